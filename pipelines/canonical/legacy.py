"""Pre-2019 (legacy) reports: the cells a reader can take from their 统计表 and from their prose.

Reports for 2008–2018 follow no national template (format-spec §8). What they share is a local statistics
table with four columns, **指标名称 | 计量单位 | <YYYY>年度 (or 本年) | 历年累计**, appended after five to seven
free-form sections, and prose that states the same figures in sentences ("2013年主动公开政府信息1853条",
"未收到有关政府信息公开的申请", "依申请提供政府信息暂不收费"). Some reports have no table at all and every
figure comes from the prose (legacy-structures.md §1).

This module reads both and keeps them apart:

- **The table** is found by its header. Where the reader kept the cells (HTML, Markdown, PDF, tab-separated
  text) every row is one line and the 年度 column is read by its position under the header. Crawled text
  flattens the table into one run ("主动公开信息数条4251516其中：1.网站公开条41815092.政府公报公开…"): rows are
  then found by their labels, the next row's item number ("2.") is cut off the digits before them, and a
  run of digits is split into 年度 | 历年累计 by ``cumulative ≥ year``, by the table's own sums (网站 + 公报 =
  主动公开; the channels = 受理; the answer types = 答复), by the figure the prose states and, last, by the
  longest year that the rule allows. Only the 年度 column is a cell; 历年累计 is kept aside (it is not a
  continuous series across years and must never stand in for the year).
- **The prose** is read clause by clause with phrases that name one key each. A zero is read from words
  ("未收到…申请", "未收到…行政复议…的申请", "无不予公开", "暂不收费") only where the hand-labelled corpus does
  so; "不存在…答复处理情况" gives no 同意公开 figure, and known decoys (制作、获取政府信息总数, 不予公开信息数,
  counts of sub-units, 12345 咨询投诉, the agency's own 信息公开费用) are not read.
- **Conflicts**: where table and prose both give a key and disagree, the table value is the cell (the
  hand-labelled files do the same), the prose value stays in ``LegacyExtraction.narrative`` and a
  ``Conflict`` names both values with their raw text and locators.

Keys: ``legacy.*`` keys have no modern equivalent (``mapping_quality="exact"``); the few legacy rows that
approximate a modern cell (受理申请数 → ``t3.new_received.total``, 同意公开 → ``t3.granted.total``, 行政复议数 →
``t4.review.total`` …) use the canonical ``t3``/``t4`` key with ``mapping_quality="approx"`` (format-spec §7).
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product

from pipelines.canonical import numbers
from pipelines.canonical.extract import Cell, LinearText
from pipelines.documents.model import Row

__all__ = [
    "APPROX",
    "EXACT",
    "Conflict",
    "LegacyCell",
    "LegacyExtraction",
    "extract_legacy",
    "is_legacy",
    "mapping_quality",
]

EXACT = "exact"
APPROX = "approx"
#: Where a cell's value came from.
TABLE = "table"
NARRATIVE = "narrative"

Number = int | float


def mapping_quality(key: str) -> str:
    """``approx`` for a canonical ``t3``/``t4`` key filled from a legacy row (§7 ≈), ``exact`` for ``legacy.*``."""
    return EXACT if key.startswith("legacy.") else APPROX


@dataclass
class LegacyCell(Cell):
    """A ``Cell`` read from a legacy report, with how well its key fits and whether table or prose gave it."""

    mapping_quality: str = EXACT
    source: str = TABLE

    def as_provenance(self) -> dict[str, object]:
        detail = super().as_provenance()
        detail["mapping_quality"] = self.mapping_quality
        detail["source"] = self.source
        return detail


@dataclass(frozen=True)
class Conflict:
    """Table and prose give different values for one key; the table value is the cell's value."""

    key: str
    table_value: Number | None
    table_raw: str | None
    table_locator: str | None
    narrative_value: Number | None
    narrative_raw: str | None
    narrative_locator: str | None

    def as_dict(self) -> dict[str, object]:
        """The conflict as plain JSON-ready data (for ``ParsedReport.to_json``)."""
        return {
            "key": self.key,
            "table": {"value": self.table_value, "raw": self.table_raw, "locator": self.table_locator},
            "narrative": {"value": self.narrative_value, "raw": self.narrative_raw, "locator": self.narrative_locator},
        }

    def describe(self) -> str:
        """One line for a person: both values, their raw text and where they stand."""
        return (
            f"{self.key}: 统计表 {self.table_value} ({self.table_raw!r} at {self.table_locator}) but the text says "
            f"{self.narrative_value} ({self.narrative_raw!r} at {self.narrative_locator})"
        )


@dataclass
class LegacyExtraction:
    """Everything read from one legacy report.

    ``cells`` is the answer (one cell per key the report states, table preferred); ``table`` and
    ``narrative`` are the two readings it was built from, ``cumulative`` the 历年累计 column (never a year
    value). ``unmapped_rows`` are table rows whose label no key knows (label and locator), ``warnings``
    anything a reviewer should look at (digit splits chosen by the fallback rule, extra values in a row).
    """

    cells: dict[str, LegacyCell]
    conflicts: list[Conflict] = field(default_factory=list)
    table: dict[str, LegacyCell] = field(default_factory=dict)
    narrative: dict[str, LegacyCell] = field(default_factory=dict)
    cumulative: dict[str, LegacyCell] = field(default_factory=dict)
    table_found: bool = False
    table_locator: str | None = None
    unmapped_rows: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- the statistics table ---------------------------------------------------------------------------------

#: The header row: 指标名称 | 计量单位 | 2013年度 (本年) | 历年累计; any white space (tabs too) between characters.
_HEADER = re.compile(
    r"指\s*标\s*名\s*称\s*(?:计\s*量\s*)?单\s*位\s*"
    r"(?P<year>\d{4}\s*年\s*度?|本\s*年\s*度?|本\s*期|数\s*量)"
    r"(?:\s*(?P<cum>历\s*年\s*累\s*计|累\s*计))?"
)
#: Before a label: the group word 其中 and the row's own item number ("1." / "2、"), which crawled text glues
#: onto the previous row's digits (``…41815092.政府公报公开``).
_ITEM_PREFIX = r"(?:其中\s*[:：]?\s*)?(?:[1-9]\s*[.、．]\s*)?"


@dataclass(frozen=True)
class _Label:
    key: str
    pattern: str


#: Every row label of the 统计表 families seen (legacy-structures.md §1: A1, A2, B) and the rows of the
#: 2014 national table whose meaning is unambiguous out of context. Overlapping matches keep the longer one
#: (信函、传真申请数 over 传真申请数).
_LABELS: tuple[_Label, ...] = (
    _Label("legacy.active.items_total", r"主动公开(?:政府)?(?:信息|文件)数"),
    _Label("legacy.active.normative_docs_published", r"主动公开规范性文件数"),
    _Label("legacy.active.channel.website", r"(?:政府)?网站公开(?:信息)?数?"),
    _Label("legacy.active.channel.gazette", r"(?:政府)?公报公开(?:信息)?数?"),
    _Label("t3.new_received.total", r"受理(?:依申请公开信息|政府信息公开申请|申请)总?数|收到申请(?:总)?数|申请总数"),
    _Label("legacy.requests.channel.in_person", r"当面申请数?"),
    _Label("legacy.requests.channel.fax", r"传真申请数?"),
    _Label("legacy.requests.channel.email", r"电子邮件申请数?"),
    _Label("legacy.requests.channel.online", r"(?:网上|网络)申请数?"),
    _Label("legacy.requests.channel.letter", r"信函申请数?"),
    _Label("legacy.requests.channel.letter_or_fax", r"信函[、,，]?传真申请数?|传真[、,，]?信函申请数?"),
    _Label("legacy.requests.channel.other", r"其[它他](?:形式)?申请数?"),
    _Label("t3.total_processed.total", r"对申请的答复总?数|申请答复总?数|申请办结数"),
    _Label("legacy.requests.already_public", r"属于已主动公开(?:范围)?(?:的)?数"),
    _Label("t3.granted.total", r"(?<![不部分])同意公开答复数"),
    _Label("t3.partially_granted.total", r"(?:同意)?部分公开答复数"),
    _Label("legacy.requests.denied_total", r"(?:否决|不予|不同意)公开答复数"),
    _Label("legacy.requests.other_answers", r"其他类型答复数"),
    _Label("legacy.requests.not_exist", r"信息不存在(?:的)?数"),
    _Label("legacy.requests.not_own_function", r"非本(?:机关|部门)(?:职能)?(?:范围)?(?:的)?数"),
    _Label("legacy.requests.unclear", r"申请内容不明确(?:的)?数"),
    _Label("legacy.requests.duplicate", r"重复申请数"),
    _Label("legacy.fees.fees_and_waivers_wan_yuan", r"(?:政府信息公开)?收费(?:及)?减免金额"),
    _Label("legacy.fees.request_fees_wan_yuan", r"依申请公开(?:信息)?收取的费用"),
    _Label("legacy.complaints.appeals_and_reports", r"(?:接受)?行政(?:申诉|诉讼)[、,，]?举报数"),
    _Label("legacy.complaints.total", r"(?:被)?举报投诉数(?:量)?"),
    _Label("legacy.appeals.total", r"行政申诉数(?:量)?"),
    _Label("t4.review.total", r"行政复议数(?:量)?"),
    _Label("t4.suit_total.total", r"行政诉讼数(?:量)?"),
    _Label("legacy.org.dedicated_units", r"政府信息公开工作专门机构数"),
    _Label("legacy.org.reading_points", r"(?:设置)?政府信息公开查阅点数"),
    _Label("legacy.org.staff_full_time", r"专职人员数"),
    _Label("legacy.org.staff_part_time", r"兼职人员数"),
    _Label("legacy.training.meetings", r"召开政府信息公开工作会议(?:或专题会议)?数"),
    _Label("legacy.training.courses", r"举办各类培训班数"),
    _Label("legacy.training.trainees", r"接受培训人员数"),
)
_LABEL_RES = tuple((label, re.compile(_ITEM_PREFIX + f"(?:{label.pattern})")) for label in _LABELS)

#: Keys whose values are money (万元); a cell printed in 元 is divided by 10000.
_MONEY_KEYS = frozenset({"legacy.fees.fees_and_waivers_wan_yuan", "legacy.fees.request_fees_wan_yuan"})

#: Rows that add up to their parent, in both columns (legacy-structures.md §2). Used to choose digit splits.
_SUMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("legacy.active.items_total", ("legacy.active.channel.website", "legacy.active.channel.gazette")),
    (
        "t3.new_received.total",
        (
            "legacy.requests.channel.in_person",
            "legacy.requests.channel.fax",
            "legacy.requests.channel.email",
            "legacy.requests.channel.online",
            "legacy.requests.channel.letter",
            "legacy.requests.channel.letter_or_fax",
            "legacy.requests.channel.other",
        ),
    ),
    (
        "t3.total_processed.total",
        (
            "t3.granted.total",
            "t3.partially_granted.total",
            "legacy.requests.denied_total",
            "legacy.requests.other_answers",
        ),
    ),
)

_UNIT_AT_END = re.compile(r"(万元|元|条|件|个|人次|人|次|项|份|期|家|处)\s*$")
_VALUE = re.compile(r"\d+(?:\.\d+)?|[-—–―]+|/")
#: Flattened tables: how much label text may stand between one row's values and the next known label (an
#: unknown row in between); beyond this the table has ended.
_MAX_GAP = 40
#: Flattened tables: how much text may stand between a label and its first value (the unit, a stray word);
#: a row printed without values must not take the digits of whatever follows the table.
_MAX_TAIL = 6

Pair = tuple[Number | None, Number | None]


@dataclass
class _TableRow:
    """One row of the 统计表 as read, before the 年度 value is settled: the (year, cumulative) readings left."""

    key: str
    label: str
    locator: str | None
    raw: str  # the printed 年度 value (the whole digit run for a run-together row)
    row_text: str  # the row as printed: label, unit and values
    cum_raw: str  # the printed 历年累计 value (the digit run again for a run-together row)
    unit: str | None
    candidates: list[Pair]
    year_status: str = numbers.NUMBER
    cum_status: str = numbers.NUMBER
    split: bool = False  # the values were one run of digits cut in two here
    all_splits: list[Pair] = field(default_factory=list)
    chosen_by: str = ""


def _locate(linear: LinearText, offset: int) -> str | None:
    """The reader's locator for ``offset``, with the character position when the row is a long line of text."""
    locator = linear.locator_at(offset)
    if not linear.starts:
        return locator
    index = max(0, _row_index(linear, offset))
    start = linear.starts[index]
    end = linear.starts[index + 1] - 1 if index + 1 < len(linear.starts) else len(linear.text)
    if end - start > 200:
        return f"{locator} char {offset - start}"
    return locator


def _row_index(linear: LinearText, offset: int) -> int:
    """The index of the reader's row (line of the linear text) that holds ``offset``."""
    return bisect.bisect_right(linear.starts, offset) - 1


def _cell(
    key: str,
    value: Number | None,
    status: str,
    raw: str | None,
    locator: str | None,
    note: str,
    source: str,
    unit: str | None = None,
    candidates: list[tuple[Number | None, ...]] | None = None,
) -> LegacyCell:
    """A cell for ``key`` with the mapping quality its key implies."""
    return LegacyCell(
        key=key,
        value=value,
        status=status,
        raw=raw,
        locator=locator,
        note=note,
        candidates=candidates or [],
        unit_raw=unit,
        mapping_quality=mapping_quality(key),
        source=source,
    )


def _splits(digits: str) -> list[Pair]:
    """Every cut of a digit run into year | cumulative: no part with a leading zero, cumulative ≥ year."""
    result: list[Pair] = []
    for cut in range(1, len(digits)):
        year, cum = digits[:cut], digits[cut:]
        if (len(year) > 1 and year[0] == "0") or (len(cum) > 1 and cum[0] == "0"):
            continue
        if int(cum) >= int(year):
            result.append((int(year), int(cum)))
    return result


def _match_label(text: str) -> tuple[_Label, re.Match[str]] | None:
    """The longest known label in one label cell."""
    best: tuple[_Label, re.Match[str]] | None = None
    for label, pattern in _LABEL_RES:
        match = pattern.search(text)
        if match and (best is None or len(match.group(0)) > len(best[1].group(0))):
            best = (label, match)
    return best


def _value_status(raw: str) -> tuple[Number | None, str]:
    """One printed cell as (value, status) under format-spec §6: blank, dash, slash … carry no value."""
    parsed = numbers.parse_value(raw)
    if parsed.status == numbers.NUMBER and parsed.value is not None:
        return numbers.to_python_number(parsed.value), numbers.NUMBER
    return None, parsed.status


def _read_cells_table(linear: LinearText, header: re.Match[str]) -> tuple[list[_TableRow], list[str], int]:
    """A table whose cells the reader kept (one line per row, tab between cells): read by column position."""
    lines = linear.text.split("\n")
    index = _row_index(linear, header.start())
    header_cells = [cell.strip() for cell in lines[index].split("\t")]
    unit_col = next((i for i, c in enumerate(header_cells) if "单位" in c.replace(" ", "")), None)
    year_col = next((i for i, c in enumerate(header_cells) if header.group("year") in c), None)
    if year_col is None:
        year_col = next((i for i, c in enumerate(header_cells) if re.search(r"年\s*度|本\s*年", c)), 2)
    cum_col = next((i for i, c in enumerate(header_cells) if "累计" in c.replace(" ", "")), None)
    label_end = unit_col if unit_col is not None else year_col

    rows: list[_TableRow] = []
    unmapped: list[str] = []
    end = linear.starts[index] + len(lines[index])
    for line_index in range(index + 1, len(lines)):
        line = lines[line_index]
        if "\t" not in line:
            break
        start = linear.starts[line_index]
        end = start + len(line)
        cells = line.split("\t")
        values = linear.values[start:end].split("\t")
        label_text = " ".join(cells[:label_end]).strip()
        found = _match_label(label_text)
        locator = linear.locator_at(start)
        if found is None:
            if label_text:
                unmapped.append(f"{label_text} ({locator})")
            continue
        label, _ = found
        year_raw = values[year_col].strip() if year_col < len(values) else ""
        cum_raw = values[cum_col].strip() if cum_col is not None and cum_col < len(values) else ""
        unit = None
        if unit_col is not None and unit_col < len(cells):
            unit = cells[unit_col].strip() or None
        year, year_status = _value_status(year_raw)
        cum, cum_status = _value_status(cum_raw)
        row_text = " | ".join(cell.strip() for cell in cells)
        row = _TableRow(label.key, label_text, locator, year_raw, row_text, cum_raw, unit, [(year, cum)])
        row.year_status, row.cum_status = year_status, cum_status
        rows.append(row)
    return rows, unmapped, end


def _read_flat_table(
    linear: LinearText, header: re.Match[str], two_columns: bool
) -> tuple[list[_TableRow], list[str], list[str]]:
    """A table flattened into running text: rows found by their labels, values between one label and the next."""
    text, values = linear.text, linear.values
    found: list[tuple[int, int, _Label]] = []
    for label, pattern in _LABEL_RES:
        found.extend((m.start(), m.end(), label) for m in pattern.finditer(text, header.end()))
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    accepted: list[tuple[int, int, _Label]] = []
    for start, end, label in found:
        if accepted and start < accepted[-1][1]:
            continue
        accepted.append((start, end, label))

    raw_rows: list[tuple[int, int, _Label, str | None, list[tuple[str, int]], int]] = []
    unmapped: list[str] = []
    warnings: list[str] = []
    previous_end = header.end()
    for number, (start, end, label) in enumerate(accepted):
        gap = text[previous_end:start]
        if len(re.sub(r"\s", "", gap)) > _MAX_GAP:
            break  # prose after the table, or a stretch of rows no label knows: the table has ended
        stray = re.sub(r"^\s*(?:其中\s*:?)?|\s+$", "", gap)
        if re.search(r"[\u3400-\u9fff]", stray):
            unmapped.append(f"{stray} ({_locate(linear, previous_end)})")
        region_end = accepted[number + 1][0] if number + 1 < len(accepted) else len(text)
        newline = text.find("\n", end, region_end)
        if newline >= 0 and values[end:newline].strip():
            region_end = newline
        region = values[end:region_end]
        tail = re.match(r"[^\d\-—–―/\n]*", region)
        tail_text = tail.group(0) if tail else ""
        unit_match = _UNIT_AT_END.search(tail_text)
        position = len(tail_text)
        tokens: list[tuple[str, int]] = []
        while len(re.sub(r"\s", "", tail_text)) <= _MAX_TAIL:
            space = re.match(r"[ \t]*", region[position:])
            skip = space.end() if space else 0
            match = _VALUE.match(region, position + skip)
            if match is None or (tokens and skip == 0):
                break
            tokens.append((match.group(0), end + match.start()))
            position = match.end()
        previous_end = end + position
        raw_rows.append((start, end, label, unit_match.group(1) if unit_match else None, tokens, previous_end))

    width = 2 if two_columns else 1
    spaced = sum(len(r[4]) >= 2 for r in raw_rows) > sum(len(r[4]) == 1 for r in raw_rows)
    rows: list[_TableRow] = []
    for start, end, label, unit, tokens, values_end in raw_rows:
        locator = _locate(linear, tokens[0][1] if tokens else start)
        label_text = text[start:end]
        raw = " ".join(token for token, _ in tokens)
        row = _TableRow(
            key=label.key,
            label=label_text,
            locator=locator,
            raw=tokens[0][0] if tokens else "",
            row_text=text[start:values_end].strip(),
            cum_raw=tokens[1][0] if len(tokens) > 1 else "",
            unit=unit,
            candidates=[(None, None)],
            year_status=numbers.MISSING,
            cum_status=numbers.MISSING,
        )
        if len(tokens) > width:
            warnings.append(f"统计表 row {label_text!r} prints {len(tokens)} values ({raw}); the first is the year")
        if tokens:
            first, first_status = _value_status(tokens[0][0])
            single = len(tokens) == 1 and width == 2
            digits = tokens[0][0]
            can_split = digits.isdigit() and len(digits) > 1
            if single and can_split and (not spaced or digits[0] == "0"):
                splits = _splits(digits)
                row.split, row.all_splits, row.candidates, row.cum_raw = True, splits, list(splits), digits
                row.year_status = row.cum_status = numbers.NUMBER if splits else numbers.AMBIGUOUS
                if not splits:
                    row.candidates = [(None, None)]
            else:
                second: Number | None = None
                second_status = numbers.MISSING
                if width == 2 and len(tokens) >= 2:
                    second, second_status = _value_status(tokens[1][0])
                row.candidates = [(first, second)]
                row.year_status, row.cum_status = first_status, second_status
        rows.append(row)
    return rows, unmapped, warnings


def _apply_sums(rows: dict[str, _TableRow]) -> None:
    """Keep only the readings under which parent = Σ children holds in every column that can be checked.

    A reading that fits one column but not the other is no evidence: in 平潭县 2013 the cuts 1 | 8535395 and
    1 | 7135017 fit the year column (1 = 1 + 0) by accident, while the report's true rows (1853, 1713 + 0)
    do not add up at all. When no reading fits every column, the sums decide nothing.
    """
    for parent, children in _SUMS:
        members = [key for key in (parent, *children) if key in rows]
        if parent not in rows or len(members) < 2:
            continue
        lists = [rows[key].candidates for key in members]
        size = math.prod(len(options) for options in lists)
        if size == 1 or size > 50_000:
            continue
        kept = [combo for combo in product(*lists) if _sums_hold(combo)]
        if not kept:
            continue
        for position, key in enumerate(members):
            options = list(dict.fromkeys(combo[position] for combo in kept))
            if len(options) < len(rows[key].candidates):
                rows[key].candidates = options
                rows[key].chosen_by = rows[key].chosen_by or "the table's sums"


def _sums_hold(combo: tuple[Pair, ...]) -> bool:
    """Whether the parent (first) equals the sum of the rest in every column where all values are known."""
    checked = False
    for column in (0, 1):
        total, parts = combo[0][column], [pair[column] for pair in combo[1:]]
        if total is None or any(part is None for part in parts):
            continue
        checked = True
        if abs(float(total) - sum(float(part) for part in parts if part is not None)) > 1e-9:
            return False
    return checked


def _settle_splits(rows: dict[str, _TableRow], facts: dict[str, _Fact]) -> None:
    """Narrow every run-together row to one reading: sums, then the prose figure, then the longest year."""
    _apply_sums(rows)
    for key, row in rows.items():
        fact = facts.get(key)
        if len(row.candidates) > 1 and fact is not None:
            agreeing = [pair for pair in row.candidates if pair[0] == fact.value]
            if agreeing:
                row.candidates = agreeing
                row.chosen_by = "the figure the text states"
    _apply_sums(rows)
    for row in rows.values():
        if len(row.candidates) > 1:
            row.candidates = [max(row.candidates, key=lambda pair: pair[0] or 0)]
            row.chosen_by = "the longest year that leaves cumulative ≥ year"
            _apply_sums(rows)


def _table_cells(
    rows: dict[str, _TableRow],
) -> tuple[dict[str, LegacyCell], dict[str, LegacyCell], list[str]]:
    """The settled rows as cells: the 年度 column (money in 元 converted to 万元), the 历年累计 column apart."""
    cells: dict[str, LegacyCell] = {}
    cumulative: dict[str, LegacyCell] = {}
    warnings: list[str] = []
    for key, row in rows.items():
        year, cum = row.candidates[0]
        year_status, cum_status = row.year_status, row.cum_status
        notes = [f"统计表 row {row.row_text!r}"]
        candidates: list[tuple[Number | None, ...]] = []
        if row.split:
            if year is None:
                notes.append(f"run-together digits {row.raw} fit no year | cumulative split")
                year_status = cum_status = numbers.AMBIGUOUS
            else:
                notes.append(f"split from run-together digits {row.raw} as {year} | {cum} (year | 历年累计)")
                if len(row.all_splits) > 1:
                    notes.append(f"chosen by {row.chosen_by}")
                    candidates = [tuple(pair) for pair in row.all_splits]
                    if row.chosen_by.startswith("the longest"):
                        warnings.append(f"{key}: {row.raw} split as {year} | {cum} by {row.chosen_by} only")
        unit = row.unit
        if key in _MONEY_KEYS and unit == "元":
            if year is not None:
                notes.append(f"converted from 元 ({year})")
                year = numbers.to_python_number(Decimal(str(year)) / 10000)
            if cum is not None:
                cum = numbers.to_python_number(Decimal(str(cum)) / 10000)
        cells[key] = _cell(key, year, year_status, row.raw, row.locator, "; ".join(notes), TABLE, unit, candidates)
        if cum_status != numbers.MISSING:
            note = f"历年累计 of {row.label}"
            cumulative[key] = _cell(key, cum, cum_status, row.cum_raw, row.locator, note, TABLE, unit)
    _derive_from_combined(cells)
    return cells, cumulative, warnings


def _derive_from_combined(cells: dict[str, LegacyCell]) -> None:
    """Rows that merge two things can still say "none of either": a 0 there is a 0 for each part.

    行政申诉、举报数 / 接受行政诉讼、举报数 = 0 means no 举报 (``legacy.complaints.total`` = 0, as the corpus
    labels it); 收费减免金额 = 0 means nothing was charged. A non-zero combined value is not split.
    """
    derived = (
        ("legacy.complaints.appeals_and_reports", "legacy.complaints.total", "no 举报 either"),
        ("legacy.fees.fees_and_waivers_wan_yuan", "legacy.fees.request_fees_wan_yuan", "nothing was charged"),
    )
    for source, target, meaning in derived:
        cell = cells.get(source)
        if cell is None or target in cells or cell.value != 0:
            continue
        note = f"from the combined row ({cell.note}) = 0: {meaning}"
        cells[target] = _cell(target, 0, numbers.NUMBER, cell.raw, cell.locator, note, TABLE, cell.unit_raw)


# --- the prose --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Phrase:
    """One way the prose states one key: a pattern with the number in group ``n`` (or a fixed ``zero``)."""

    key: str
    pattern: re.Pattern[str]
    zero: bool = False
    clause_needs: tuple[str, ...] = ()  # one of these words must be in the clause
    clause_excludes: tuple[str, ...] = ()  # none of these words may be in the clause
    prefix_excludes: tuple[str, ...] = ()  # none of these may stand just before the match (a sub-unit)
    unit_group: bool = False  # group ``u`` holds 元/万元: convert to 万元


def _p(
    key: str,
    pattern: str,
    *,
    zero: bool = False,
    needs: tuple[str, ...] = (),
    excludes: tuple[str, ...] = (),
    prefix_excludes: tuple[str, ...] = (),
    money: bool = False,
) -> _Phrase:
    return _Phrase(key, re.compile(pattern), zero, needs, excludes, prefix_excludes, money)


_N = r"\s*(?P<n>\d+)\s*"
_COUNT = r"(?:条|件|份|个|宗|起|次)"
#: Sub-units whose own counts come right after the total ("县直各单位主动公开政府信息303条"), and words of a
#: running total over the years ("门户网站累计主动公开政府信息7700余条").
_SUB_UNITS = ("各单位", "各部门", "各乡镇", "乡镇", "区直", "县直", "市直", "部门", "公开办", "办公室", "网站")
_CUMULATIVE = ("累计", "历年")
_NO = r"(?:未|没有|无|未曾|均未)"

_PHRASES: tuple[_Phrase, ...] = (
    _p(
        "legacy.active.items_total",
        rf"主动公开(?:了)?(?:各类|各种)?(?:政府)?信息(?:数)?(?:共|总数|总计|合计)?(?:为|达)?{_N}条",
        prefix_excludes=_SUB_UNITS,
    ),
    _p(
        "t3.new_received.total",
        rf"{_NO}(?:收到|接到|受理|发生)(?:过)?(?:有关|任何)?(?:的)?(?:政府)?信息公开(?:的)?申请",
        zero=True,
        excludes=("复议", "诉讼"),
    ),
    _p(
        "t3.new_received.total",
        rf"(?:收到|受理|接到|接收)(?:了)?(?:有关|各类)?(?:的)?(?:政府)?信息公开(?:的)?申请(?:共|总数|合计)?(?:为|达)?{_N}{_COUNT}",
        excludes=("复议", "诉讼"),
    ),
    _p(
        "t3.new_received.total",
        rf"(?:收到|受理|接到|接收)(?:了)?{_N}{_COUNT}(?:有关)?(?:的)?(?:政府)?信息公开(?:的)?申请",
        excludes=("复议", "诉讼"),
    ),
    _p("t3.new_received.total", rf"申请总数(?:为|共|达)?{_N}{_COUNT}", excludes=("复议", "诉讼")),
    _p("legacy.requests.channel.in_person", rf"当面申请(?:数)?(?:为|共)?{_N}{_COUNT}"),
    _p("legacy.requests.channel.fax", rf"(?<![、,，])传真申请(?:数)?(?:为|共)?{_N}{_COUNT}"),
    _p("legacy.requests.channel.email", rf"电子邮件申请(?:数)?(?:为|共)?{_N}{_COUNT}"),
    _p("legacy.requests.channel.online", rf"(?:网上|网络)申请(?:数)?(?:为|共)?{_N}{_COUNT}"),
    _p("legacy.requests.channel.letter", rf"信函申请(?:数)?(?:为|共)?{_N}{_COUNT}"),
    _p("t3.total_processed.total", rf"答复(?:总数|总量)(?:共|为)?{_N}{_COUNT}", needs=("申请",)),
    _p("t3.granted.total", rf"(?<![不部分])同意公开(?:答复)?(?:数)?(?:为|共)?{_N}{_COUNT}"),
    _p("t3.partially_granted.total", rf"(?:同意)?部分公开(?:答复)?(?:数)?(?:为|共)?{_N}{_COUNT}"),
    _p("legacy.requests.denied_total", rf"(?:不予公开|不同意公开|否决公开)(?:答复)?(?:数)?(?:为|共)?{_N}{_COUNT}"),
    _p("legacy.requests.denied_total", r"(?:无|没有|未有)(?:不予公开|不同意公开)", zero=True),
    _p("legacy.requests.on_time", rf"按(?:时|期)(?:办结|答复)(?:数)?(?:为|共)?{_N}{_COUNT}"),
    _p("legacy.requests.extended", rf"延期(?:办结|答复)(?:数)?(?:为|共)?{_N}{_COUNT}"),
    _p("t4.review.total", rf"行政复议(?:申请|案件)?(?:共|数|数量)?(?:为)?{_N}{_COUNT}"),
    _p("t4.review.total", rf"(?:收到|发生|受理|接到){_N}{_COUNT}[^，。；]{{0,20}}?行政复议"),
    _p("t4.review.total", rf"{_NO}(?:收到|发生|接到|受理|出现)[^，。；]{{0,30}}?行政复议", zero=True),
    _p("t4.suit_total.total", rf"行政诉讼(?:案件)?(?:共|数|数量)?(?:为)?{_N}{_COUNT}"),
    _p("t4.suit_total.total", rf"(?:收到|发生|受理|被提起){_N}{_COUNT}[^，。；]{{0,20}}?行政诉讼"),
    _p("t4.suit_total.total", rf"{_NO}(?:收到|发生|接到|受理|出现|被提起)[^，。；]{{0,30}}?行政诉讼", zero=True),
    _p(
        "legacy.fees.request_fees_wan_yuan",
        r"(?:未|没有|不|暂不|均未|无)(?:收取|收费)",
        zero=True,
        needs=("申请", "政府信息", "费用"),
    ),
    _p(
        "legacy.fees.request_fees_wan_yuan",
        r"(?:收取|收费)(?:了)?(?:[^，。；\d]{0,10})?(?:费用|金额)(?:共|合计|为)?\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<u>万元|元)",
        needs=("申请",),
        money=True,
    ),
    _p(
        "legacy.complaints.total",
        rf"(?:举报|投诉)(?:[^，。；\d]{{0,10}})?{_N}{_COUNT}",
        needs=("信息公开",),
        excludes=("咨询投诉", "12345"),
    ),
    _p(
        "legacy.complaints.total",
        rf"{_NO}(?:收到|发生|接到)?[^，。；\d]{{0,20}}?(?:举报|投诉)",
        zero=True,
        needs=("信息公开",),
        excludes=("咨询投诉", "12345"),
    ),
    _p("legacy.org.staff_full_time", r"(?:全职|专职)(?:工作)?人员(?:共|为)?\s*(?P<n>\d+)\s*(?:人|名)"),
    _p("legacy.org.staff_full_time", r"(?:没有|无)[^，。；\d]{0,20}?(?:全职|专职)(?:工作)?人员", zero=True),
    _p("legacy.org.staff_part_time", r"兼职(?:工作)?人员(?:共|为)?\s*(?P<n>\d+)\s*(?:人|名)"),
    _p("legacy.training.courses", r"(?:举办|组织|开展)[^，。；\d]{0,15}?培训(?:班|会)?\s*(?P<n>\d+)\s*(?:期|次|场|个)"),
    _p("legacy.training.trainees", r"培训[^，。；\d]{0,10}?(?P<n>\d+)\s*人(?:次)?"),
    _p("legacy.training.meetings", r"召开[^，。；\d]{0,15}?会议\s*(?P<n>\d+)\s*(?:次|场)"),
)

_CLAUSE = re.compile(r"[^，,。；;！!？?\n]+")
#: How far before a match a sub-unit word disqualifies it (the clause may begin with a heading).
_PREFIX_WINDOW = 12
#: How much of a clause before the match a quote keeps (crawled text runs headings into the clause).
_QUOTE_BEFORE = 30


@dataclass(frozen=True)
class _Fact:
    """A figure the prose states for one key: the value, the quoted clause, where it is, and whether the
    figure was a zero said in words ("未收到…申请") rather than a printed number."""

    key: str
    value: Number
    raw: str
    locator: str | None
    in_words: bool = False


def _read_prose(linear: LinearText, spans: Sequence[tuple[int, int]]) -> tuple[dict[str, _Fact], list[str]]:
    """The first figure the prose states for each key; a later different figure for the same key is warned."""
    facts: dict[str, _Fact] = {}
    warnings: list[str] = []
    for span_start, span_end in spans:
        for clause_match in _CLAUSE.finditer(linear.text, span_start, span_end):
            clause = clause_match.group(0)
            seen_in_clause: set[str] = set()
            for phrase in _PHRASES:
                if phrase.key in seen_in_clause:
                    continue
                if phrase.clause_needs and not any(word in clause for word in phrase.clause_needs):
                    continue
                if any(word in clause for word in phrase.clause_excludes):
                    continue
                for match in phrase.pattern.finditer(clause):
                    before = clause[max(0, match.start() - _PREFIX_WINDOW) : match.start()]
                    if any(word in before for word in phrase.prefix_excludes):
                        continue
                    if not phrase.zero and any(word in before for word in _CUMULATIVE):
                        continue  # a running total over the years, not this year's figure
                    value = _fact_value(phrase, match)
                    quote_start = max(0, match.start() - _QUOTE_BEFORE)
                    quote = ("…" if quote_start else "") + clause[quote_start:].strip()
                    locator = _locate(linear, clause_match.start() + match.start())
                    fact = _Fact(phrase.key, value, quote, locator, phrase.zero)
                    seen_in_clause.add(phrase.key)
                    known = facts.get(phrase.key)
                    if known is None:
                        facts[phrase.key] = fact
                    elif known.value != value:
                        warnings.append(
                            f"{phrase.key}: the text states {known.value} ({known.raw!r}) "
                            f"and later {value} ({fact.raw!r})"
                        )
                    break
    return facts, warnings


def _fact_value(phrase: _Phrase, match: re.Match[str]) -> Number:
    """The number a matched phrase states (0 for a zero said in words; 元 converted to 万元)."""
    if phrase.zero:
        return 0
    value = Decimal(match.group("n"))
    if phrase.unit_group and match.group("u") == "元":
        value = value / 10000
    return numbers.to_python_number(value)


def _narrative_cells(facts: dict[str, _Fact]) -> dict[str, LegacyCell]:
    cells: dict[str, LegacyCell] = {}
    for key, fact in facts.items():
        note = "stated in the text" + (" (a zero said in words)" if fact.in_words else "")
        cells[key] = _cell(key, fact.value, numbers.NUMBER, fact.raw, fact.locator, note, NARRATIVE)
    return cells


# --- putting it together ----------------------------------------------------------------------------------


def extract_legacy(rows: Sequence[Row]) -> LegacyExtraction:
    """Read the legacy cells of one report from a reader's rows (see the module docstring for how)."""
    linear = LinearText(rows)
    header = _HEADER.search(linear.text)
    table_rows: list[_TableRow] = []
    unmapped: list[str] = []
    warnings: list[str] = []
    prose_spans: list[tuple[int, int]] = [(0, len(linear.text))]
    table_locator: str | None = None
    if header is not None:
        table_locator = _locate(linear, header.start())
        if "\t" in header.group(0):
            table_rows, unmapped, table_end = _read_cells_table(linear, header)
            prose_spans = [(0, header.start()), (table_end, len(linear.text))]
        else:
            table_rows, unmapped, warnings = _read_flat_table(linear, header, header.group("cum") is not None)
            prose_spans = [(0, header.start())]

    facts, prose_warnings = _read_prose(linear, prose_spans)
    warnings.extend(prose_warnings)

    by_key: dict[str, _TableRow] = {}
    for row in table_rows:
        if row.key in by_key:
            warnings.append(f"{row.key}: a second 统计表 row {row.label!r} ({row.locator}) ignored")
            continue
        by_key[row.key] = row
    _settle_splits(by_key, facts)
    row_texts = {key: row.row_text for key, row in by_key.items()}
    table, cumulative, split_warnings = _table_cells(by_key)
    warnings.extend(split_warnings)
    narrative = _narrative_cells(facts)

    cells: dict[str, LegacyCell] = {}
    conflicts: list[Conflict] = []
    for key in [*table, *(k for k in narrative if k not in table)]:
        from_table, from_text = table.get(key), narrative.get(key)
        if from_table is not None and from_table.status == numbers.NUMBER:
            cell = from_table
            if from_text is not None and not _same(from_table.value, from_text.value):
                conflicts.append(
                    Conflict(
                        key=key,
                        table_value=from_table.value,
                        table_raw=row_texts.get(key, from_table.raw),
                        table_locator=from_table.locator,
                        narrative_value=from_text.value,
                        narrative_raw=from_text.raw,
                        narrative_locator=from_text.locator,
                    )
                )
                cell.note = f"{cell.note}; CONFLICT: the text says {from_text.value} ({from_text.raw!r})"
            elif from_text is not None:
                cell.note = f"{cell.note}; the text agrees"
        elif from_text is not None:
            cell = from_text
            if from_table is not None:
                cell.note = f"{cell.note}; the 统计表 cell is {from_table.status} ({from_table.raw!r})"
        else:
            assert from_table is not None
            cell = from_table
        cells[key] = cell
    return LegacyExtraction(
        cells=cells,
        conflicts=conflicts,
        table=table,
        narrative=narrative,
        cumulative=cumulative,
        table_found=header is not None,
        table_locator=table_locator,
        unmapped_rows=unmapped,
        warnings=warnings,
    )


def _same(a: Number | None, b: Number | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-9


# --- template detection -----------------------------------------------------------------------------------

#: Wording only the 2019 and 2021 templates print: their tables' rows and rules, and the section titles of
#: the 2019 条例 (a modern report whose tables are images still has them; legacy reports say
#: 依申请公开 and 因政府信息公开申请行政复议、提起行政诉讼的情况 instead).
_MODERN = re.compile(
    r"第\s*二\s*十\s*条|本年新收|上年结转|申请人情况|本年制发件数|本年新制作数量|结转下年度|商业\s*企业"
    r"|收到和处理政府信息公开申请|政府信息公开行政复议\s*[、,]\s*行政诉讼情况"
)
#: Wording of the pre-2019 reports: their 统计表 and the old section and row names.
_LEGACY = re.compile(
    r"历\s*年\s*累\s*计|情况统计表|收费及减免|同意公开答复|同意部分公开|否决公开|申请总数|依申请公开|行政申诉"
)


def is_legacy(rows: Sequence[Row]) -> bool:
    """Whether a report follows no modern template but reads like a pre-2019 one (decided from content).

    True when the text prints none of the 2019/2021 template's own wording (第二十条 rows, 本年新收,
    申请人情况, 结转下年度 …) and some legacy wording (统计表 with 历年累计, 收费及减免, 同意公开答复数,
    申请总数, 依申请公开 …) in a text about 信息公开.
    """
    text = LinearText(rows).text
    if "信息公开" not in text or _MODERN.search(text):
        return False
    return _LEGACY.search(text) is not None
