"""Decoding bytes from government websites: UTF-8 mostly, GBK/GB18030 often, mislabelled sometimes."""

from __future__ import annotations

from charset_normalizer import from_bytes


def decode_text(data: bytes) -> str:
    """Decode report bytes to text: strict UTF-8 first, then GB18030 (a superset of GBK/GB2312), then a guess.

    Strict attempts come first because a guess on short Chinese texts is unreliable, while a strict
    decode that succeeds on CJK-heavy bytes is almost never wrong.
    """
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    guess = from_bytes(data).best()
    if guess is not None:
        return str(guess)
    return data.decode("utf-8", errors="replace")
