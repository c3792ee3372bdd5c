"""HTML building blocks for the trend site: escaping by construction, number formats, the page frame, the CSS.

Every value from the warehouse is an issuer name, a file name, a message or raw text printed in a government
report: it is data, and it is escaped. :class:`Markup` marks text that is already HTML (made here from escaped
parts); :func:`el` escapes everything else it is given, attribute values included. Pages are built only with
:func:`el`, so forgetting to escape takes an explicit ``Markup(...)`` around unescaped text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

NULL = "—"
"""Shown for a null: the report printed no number for the cell (or there is no report that year)."""

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei", "PingFang SC", '
    '"Hiragino Sans GB", "Microsoft YaHei", sans-serif'
)


class Markup(str):
    """Text that is already HTML (built from escaped parts by this module): never escaped again."""

    __slots__ = ()


Content = object
"""What an element may contain: Markup (kept), None (nothing), a list/tuple of contents, or anything else
(turned into text and escaped)."""


def render(content: Content) -> Markup:
    """``content`` as HTML: Markup as it is, sequences joined, None empty, everything else escaped text."""
    if isinstance(content, Markup):
        return content
    if content is None:
        return Markup("")
    if isinstance(content, list | tuple):
        return Markup("".join([_html(part) for part in content]))
    return Markup(escape(str(content), quote=False))


def _html(content: Content) -> str:
    """``render`` without wrapping a part in Markup again (a page is millions of parts)."""
    if isinstance(content, Markup):
        return content
    if isinstance(content, str):
        return escape(content, quote=False)
    return render(content)


def _attribute(name: str, value: object) -> str:
    name = name.rstrip("_").replace("_", "-")
    if value is True:
        return f" {name}"
    return f' {name}="{escape(str(value), quote=True)}"'


VOID = {"meta", "link", "br", "hr", "img", "input", "col"}


def el(tag: str, *children: Content, **attributes: object) -> Markup:
    """An element: ``el("a", "平潭", href="x.html", class_="issuer")``. Attribute names drop a trailing ``_``
    and turn ``_`` into ``-`` (``data_year`` → ``data-year``); a None or False attribute is left out."""
    attrs = "".join(_attribute(k, v) for k, v in attributes.items() if v is not None and v is not False)
    if tag in VOID:
        return Markup(f"<{tag}{attrs}>")
    return Markup(f"<{tag}{attrs}>{''.join([_html(child) for child in children])}</{tag}>")


# --------------------------------------------------------------------------------------------------------
# Numbers


def integer(value: object) -> str:
    """A count with thousands separators (447,228); NULL for a null."""
    if value is None:
        return NULL
    return f"{int(str(value)):,}"


def amount(value: object) -> str:
    """An amount as printed (万元 fees, up to six decimals kept), with thousands separators; NULL for a null."""
    if value is None:
        return NULL
    number = float(str(value))
    if number == int(number):
        return f"{int(number):,}"
    return f"{number:,.6f}".rstrip("0").rstrip(".")


def rate(value: object) -> str:
    """A share (0.3257) as a percentage with one decimal (32.6%); NULL for a null (nothing to divide by)."""
    if value is None:
        return NULL
    return f"{float(str(value)) * 100:.1f}%"


def score(value: object) -> str:
    """A 0–100 quality score, one decimal at most."""
    if value is None:
        return NULL
    text = f"{float(str(value)):.1f}"
    return text[:-2] if text.endswith(".0") else text


def text(value: object) -> str:
    """Any other value; lists joined with commas; NULL for a null or an empty list."""
    if value is None:
        return NULL
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) if value else NULL
    return str(value)


# --------------------------------------------------------------------------------------------------------
# Page parts


def table(
    headers: Sequence[Content],
    rows: Iterable[Sequence[Content] | Markup],
    *,
    class_: str | None = None,
    caption: str = "",
) -> Markup:
    """A table; each row is a whole ``<tr>`` (Markup) or a sequence of cells: ``<td>`` elements (Markup, e.g. from
    :func:`num`) or plain values (escaped into a ``<td>``)."""
    head = el("thead", el("tr", [el("th", h, scope="col") for h in headers]))
    body_rows: list[Markup] = []
    for row in rows:
        if isinstance(row, Markup):  # a whole <tr> built by the caller
            body_rows.append(row)
            continue
        cells = [
            cell if isinstance(cell, Markup) and cell.startswith(("<td", "<th")) else el("td", cell) for cell in row
        ]
        body_rows.append(el("tr", cells))
    return el("table", el("caption", caption) if caption else None, head, el("tbody", body_rows), class_=class_)


def num(content: Content, **attributes: object) -> Markup:
    """A right-aligned number cell."""
    return el("td", content, class_="num", **attributes)


def page(title: str, body: Content, *, depth: int, crumbs: Sequence[tuple[str, str | None]] = ()) -> str:
    """A whole page: UTF-8 declared first, the shared stylesheet, a breadcrumb trail, then ``body``.

    ``depth`` is how many folders below the site root the page lives (links to the root get that many ``../``).
    ``crumbs`` are (label, href or None) pairs after the overview. No script, no external resource.
    """
    root = "../" * depth
    trail: list[Content] = [el("a", "总览 Overview", href=f"{root}index.html")]
    for label, href in crumbs:
        trail.append(Markup(" › "))
        trail.append(el("a", label, href=href) if href else el("span", label))
    document = Markup("<!DOCTYPE html>\n") + el(
        "html",
        el(
            "head",
            el("meta", charset="utf-8"),
            el("meta", name="viewport", content="width=device-width, initial-scale=1"),
            el("title", f"{title} · 政府信息公开年度报告"),
            el("link", rel="icon", href="data:,"),
            el("link", rel="stylesheet", href=f"{root}style.css"),
        ),
        el(
            "body",
            el("header", el("nav", trail, aria_label="breadcrumb")),
            el("main", el("h1", title), body),
            el(
                "footer",
                "政府信息公开工作年度报告 trend site, built from the xxgk warehouse. Figures are as printed in each "
                "report (never repaired); “—” means not printed or no report.",
            ),
        ),
        lang="zh-CN",
    )
    return document + "\n"


STYLE = f"""/* xxgk trend site: one stylesheet for every page. No web fonts: a CJK font stack of system fonts. */
:root {{ --font: {FONT_STACK}; --ink: #1b1f24; --muted: #5f6b76; --line: #dde1e6; --fail: #b00020; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; font-family: var(--font); color: var(--ink); background: #f7f8fa; line-height: 1.55; }}
header {{ background: #14324a; color: #fff; padding: .55rem 1.25rem; }}
header a {{ color: #d6e8f7; }}
main {{ max-width: 1280px; margin: 0 auto; padding: .5rem 1.25rem 2rem; }}
footer {{ max-width: 1280px; margin: 0 auto; padding: 1rem 1.25rem 2rem; color: var(--muted); font-size: .85rem; }}
h1 {{ font-size: 1.6rem; margin: .8rem 0 .4rem; }}
h2 {{ font-size: 1.25rem; margin: 1.6rem 0 .5rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }}
h3 {{ font-size: 1.05rem; margin: 1.1rem 0 .4rem; }}
a {{ color: #0b5cab; }}
.muted, caption {{ color: var(--muted); }}
caption {{ caption-side: bottom; text-align: left; font-size: .8rem; padding-top: .25rem; }}
.facts {{ display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0 1rem; }}
.facts dt {{ color: var(--muted); }} .facts dd {{ margin: 0; }}
.tiles {{ display: flex; flex-wrap: wrap; gap: .75rem; margin: .75rem 0; }}
.tile {{ background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem; min-width: 9rem; }}
.tile b {{ display: block; font-size: 1.45rem; font-variant-numeric: tabular-nums; }}
.scroll {{ overflow-x: auto; }}
table {{ border-collapse: collapse; font-size: .88rem; margin: .4rem 0 1rem; background: #fff; }}
th, td {{ border-bottom: 1px solid var(--line); padding: .25rem .55rem; text-align: left; vertical-align: top; }}
th {{ background: #eef1f4; font-weight: 600; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
td.gap {{ color: var(--muted); font-style: italic; }}
td.raw {{ font-family: ui-monospace, "Noto Sans Mono CJK SC", monospace; word-break: break-all; max-width: 28rem; }}
.charts {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 420px), 1fr)); gap: 1rem; }}
figure {{ margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem .6rem; }}
figcaption {{ font-weight: 600; margin-bottom: .25rem; }}
svg.chart {{ width: 100%; max-width: 640px; height: auto; display: block; }}
svg.chart text {{ font-family: var(--font); font-size: 12px; fill: #333; }}
svg.chart .grid {{ stroke: #e6e9ed; }} svg.chart .axis {{ stroke: #8a949e; }}
svg.chart .empty {{ fill: var(--muted); font-style: italic; }}
.layout {{ display: grid; grid-template-columns: minmax(0, 3fr) minmax(18rem, 1fr); gap: 1.5rem; align-items: start; }}
@media (max-width: 1000px) {{ .layout {{ grid-template-columns: 1fr; }} }}
aside {{ background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .25rem .9rem .9rem; }}
aside h2 {{ margin-top: .6rem; }}
aside table {{ font-size: .82rem; }}
aside td {{ overflow-wrap: anywhere; }}
aside td:first-child, aside td.num {{ overflow-wrap: normal; white-space: nowrap; }}
.fail {{ color: var(--fail); font-weight: 600; }}
ul.findings {{ padding-left: 1.1rem; }} ul.findings li {{ margin: .35rem 0; }}
ul.tree, ul.tree ul {{ list-style: none; padding-left: 1.1rem; margin: .15rem 0; }}
details {{ margin: .3rem 0; }} summary {{ cursor: pointer; }}
:target {{ background: #fff6cc; }}
"""
