"""Planted defects: each a real-world flaw of annual reports that the validation layer should find.

A planted defect changes what a report prints — a table cell, a stated figure, a section's text, the
publication date, the template — and is recorded in the report's ground truth with the rule(s) it must
trigger (``rules``, each a FAIL of ``pipelines.validation.findings.RULES``) and the rules it may trigger as a
side effect (``collateral``: a copied 表三 also breaks the carried-over chain). Everything else about the
report stays consistent, so a clean validation run finds exactly the planted FAILs.

Kinds (format-spec §5, §9.1a, §9.2):

| kind | what is printed | rules |
|---|---|---|
| ``arithmetic_total`` | 表三 (七)总计 of one applicant column (and 总计) off | R1, R2 |
| ``arithmetic_row`` | one 表三 result row's 总计 ≠ its six columns (not run-together) | R3 (+R2) |
| ``arithmetic_t4`` | one 表四 block's 总计 ≠ its four outcomes (not run-together) | R4 |
| ``text_table`` | the prose states a figure the table does not have | R9 |
| ``carried_over`` | 上年结转 ≠ last year's 结转下年度 in one column | R5 |
| ``stock_continuity`` | v2021 现行有效 ≠ last year's + 制发 − 废止 | R6 |
| ``v2019_items`` | v2019 本年新公开 > 对外公开总数量 | R7 |
| ``jump`` | 收费 printed in 元 under the 万元 header, or 办件 counted as 决定, from this year on | JUMP |
| ``same_figures`` | 表三 and 表四 copied from last year's report | SAME_FIGURES (+R5) |
| ``copy_prev_year`` | section 五 copied from last year's report | COPY_PREV_YEAR |
| ``copy_peer`` | section 五 copied from a neighbour's report of one year (the neighbour is flagged too) | COPY_PEER |
| ``late_publication`` | published after the deadline (crawler header / page info line) | ON_TIME |
| ``template_lag`` | a 2021+ report on the 2019 template | TEMPLATE_CURRENT |
| ``wrong_period`` | the statistics period ends before 12月31日 | PERIOD |
| ``fee_statement`` | 表三 (六)2 逾期未缴费 > 0, section 六 silent about fees (v2021) | R10 |
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field

from pipelines.synth import keys as K
from pipelines.synth.keys import APPLICANTS, result_rows
from pipelines.synth.values import Value, fill_t3_totals

#: kind → (rules that must FAIL, rules that may FAIL as a side effect).
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "arithmetic_total": (("R1", "R2"), ()),
    "arithmetic_row": (("R3",), ("R2",)),
    "arithmetic_t4": (("R4",), ()),
    "text_table": (("R9",), ()),
    "carried_over": (("R5",), ()),
    "stock_continuity": (("R6",), ()),
    "v2019_items": (("R7",), ()),
    "jump": (("JUMP",), ()),
    "same_figures": (("SAME_FIGURES",), ("R5",)),
    "copy_prev_year": (("COPY_PREV_YEAR",), ()),
    "copy_peer": (("COPY_PEER",), ()),
    "copy_peer_source": (("COPY_PEER",), ()),
    "late_publication": (("ON_TIME",), ()),
    "template_lag": (("TEMPLATE_CURRENT",), ()),
    "wrong_period": (("PERIOD",), ()),
    "fee_statement": (("R10",), ()),
}
#: Kinds the generator draws for a defective report (``copy_peer_source`` is the other side of a copy).
PLANTABLE = tuple(kind for kind in KINDS if kind != "copy_peer_source")
#: Kinds that need the body's previous-year report in the corpus.
CROSS_YEAR = frozenset({"carried_over", "stock_continuity", "jump", "same_figures", "copy_prev_year"})
#: Kinds that change 表三/表四 cells (a table copied from such a report would carry the defect along).
TABLE_KINDS = frozenset(
    {"arithmetic_total", "arithmetic_row", "arithmetic_t4", "carried_over", "fee_statement", "same_figures"}
)
#: Kinds that change or rely on printed values: planted only where every cell reads back exactly (not in
#: run-together text, where a digit run can be ambiguous and the parser rightly leaves the cell null, and
#: which cuts digits with R3/R4 so a wrong 总计 would not even show as such). Cross-year kinds among them
#: also need the previous report to read back exactly.
VALUE_KINDS = frozenset(
    {
        "arithmetic_total",
        "arithmetic_row",
        "arithmetic_t4",
        "text_table",
        "carried_over",
        "stock_continuity",
        "v2019_items",
        "jump",
        "same_figures",
        "fee_statement",
    }
)


@dataclass(frozen=True)
class Defect:
    """One planted defect as recorded in ``NAME.expected.json`` (``planted_defects``).

    ``scopes`` are the finding scopes expected to FAIL where they are known in advance (``column:total``,
    ``row:granted``, ``text:t3.new_received.total`` …); ``cells`` the keys changed; ``related`` the other
    report involved (the copied or copying report's file name, or the previous year).
    """

    kind: str
    detail: str
    rules: tuple[str, ...] = ()
    collateral: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()
    related: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, kind: str, detail: str, **kwargs: object) -> Defect:
        rules, collateral = KINDS[kind]
        return cls(kind, detail, rules, collateral, **kwargs)  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, object]:
        record = asdict(self)
        record["rules"] = list(self.rules)
        record["collateral"] = list(self.collateral)
        record["scopes"] = list(self.scopes)
        record["cells"] = list(self.cells)
        return record


def _int(value: Value) -> int:
    return int(value or 0)


def arithmetic_total(cells: dict[str, Value], template: str, rng: random.Random) -> Defect:
    """(七)总计 of one applicant column, and of the 总计 column, printed ``delta`` too high or low."""
    column = rng.choice(APPLICANTS[:2])
    processed = _int(cells[K.t3("total_processed", column)])
    delta = rng.choice((1, 2, 3, 10))
    if processed > delta and rng.random() < 0.5:
        delta = -delta  # printed too low, never below zero
    for key in (K.t3("total_processed", column), K.t3("total_processed", "total")):
        cells[key] = _int(cells[key]) + delta
    return Defect.of(
        "arithmetic_total",
        f"表三 (七)总计 of {column} printed {delta:+d} off (and the 总计 column with it)",
        scopes=(f"column:{column}", "column:total"),
        cells=(K.t3("total_processed", column), K.t3("total_processed", "total")),
    )


def arithmetic_row(cells: dict[str, Value], template: str, rng: random.Random) -> Defect:
    """One result row's 总计 printed off the sum of its applicant columns."""
    row = rng.choice(("granted", "partially_granted", "unavailable_not_held", "not_processed_duplicate"))
    key = K.t3(row, "total")
    delta = rng.choice((1, 2, 5, 10))
    cells[key] = _int(cells[key]) + delta
    return Defect.of("arithmetic_row", f"表三 {row} 总计 printed {delta:+d} off", scopes=(f"row:{row}",), cells=(key,))


def arithmetic_t4(cells: dict[str, Value], template: str, rng: random.Random) -> Defect:
    """One 表四 block's 总计 printed off the sum of its four outcomes."""
    block = rng.choice(K.T4_BLOCKS)
    key = K.t4(block, "total")
    delta = rng.choice((1, 2, 3))
    cells[key] = _int(cells[key]) + delta
    detail = f"表四 {block} 总计 printed {delta:+d} off"
    return Defect.of("arithmetic_t4", detail, scopes=(f"block:{block}",), cells=(key,))


def carried_over(cells: dict[str, Value], template: str, rng: random.Random) -> Defect:
    """上年结转 of one column ``delta`` higher than last year's 结转下年度 (R1–R3 kept: granted grows too)."""
    column = rng.choice(APPLICANTS[:2])
    delta = rng.choice((1, 2, 3, 5))
    for row in ("carried_over_in", "granted", "total_processed"):
        key = K.t3(row, column)
        cells[key] = _int(cells[key]) + delta
    fill_t3_totals(cells, template)
    return Defect.of(
        "carried_over",
        f"表三 上年结转 of {column} is {delta} more than last year's 结转下年度",
        scopes=(f"column:{column}", "column:total"),
        cells=(K.t3("carried_over_in", column), K.t3("carried_over_in", "total")),
    )


def stock_continuity(cells: dict[str, Value], template: str, rng: random.Random) -> Defect:
    """v2021 行政规范性文件 现行有效 printed ``delta`` more than last year's stock + 制发 − 废止."""
    key = "t2.normative_docs.in_force"
    delta = rng.choice((1, 3, 7, 20))
    cells[key] = _int(cells[key]) + delta
    return Defect.of(
        "stock_continuity",
        f"行政规范性文件 现行有效 printed {delta} more than last year's + 制发 − 废止",
        scopes=("row:normative_docs",),
        cells=(key,),
    )


def v2019_items(cells: dict[str, Value], template: str, rng: random.Random) -> Defect:
    """v2019 规范性文件 本年新公开 printed above 对外公开总数量 (the cumulative count)."""
    published = max(_int(cells["t2.normative_docs.new_published"]), 1)
    cells["t2.normative_docs.new_published"] = published
    cells["t2.normative_docs.new_made"] = max(_int(cells["t2.normative_docs.new_made"]), published)
    cells["t2.normative_docs.total_published"] = published - 1
    return Defect.of(
        "v2019_items",
        f"规范性文件 本年新公开 {published} > 对外公开总数量 {published - 1}",
        scopes=("row:normative_docs",),
        cells=("t2.normative_docs.new_published", "t2.normative_docs.total_published"),
    )


def fee_statement(cells: dict[str, Value], template: str, rng: random.Random) -> Defect:
    """One natural-person application lapsed for unpaid fees (R1–R3 kept); section 六 will not say so."""
    for row in ("new_received", "other_fee_unpaid", "total_processed"):
        key = K.t3(row, "natural_person")
        cells[key] = _int(cells[key]) + 1
    fill_t3_totals(cells, template)
    return Defect.of(
        "fee_statement",
        "表三 (六)2 逾期未按收费通知要求缴纳费用 > 0, section 六 says nothing about 信息处理费",
        scopes=("section:sec_other",),
        cells=(K.t3("other_fee_unpaid", "total"),),
    )


def same_figures(cells: dict[str, Value], previous: dict[str, Value], template: str) -> Defect:
    """表三 and 表四 printed exactly as last year (东莞市统计局 printed the same data three years running)."""
    copied = [key for key in cells if key.startswith(("t3.", "t4.")) and key in previous]
    for key in copied:
        cells[key] = previous[key]
    return Defect.of("same_figures", "表三 and 表四 copied from last year's report", cells=tuple(sorted(copied)))


#: How a jump is planted, per key: the factor from this year on, and what the body got wrong.
JUMPS: dict[str, tuple[int, str]] = {
    "t2.admin_fees.amount_wan_yuan": (10_000, "行政事业性收费 printed in 元 under the 万元 header"),
    "t2.licensing.decisions": (100, "行政许可 printed ×100 (件次 of every step counted, not 决定)"),
    "t2.penalty.decisions": (100, "行政处罚 printed ×100 (件次 of every step counted, not 决定)"),
}
#: A body's yearly level must be at least this for a jump in its decisions to be unmistakable: with ±20 %
#: drift and Poisson noise, two years of a level-20 body differ by far less than the ×100 planted, so the
#: jump year is ≥ ×10 its predecessor and later years (also ×100) never jump back.
JUMP_MIN_LEVEL = 20.0


def jump_key(
    previous: dict[str, Value],
    template: str,
    previous_template: str | None,
    scaled: set[str],
    levels: dict[str, float],
) -> str | None:
    """The cell a jump can be planted in (≥ ×10 and ≥ 100 from last year, JUMP's test), or None.

    ``levels``: the body's typical yearly value per key (``values.Profile``).
    """
    if previous_template is None:
        return None
    both_v2021 = template == previous_template == K.V2021
    fee_ok = float(previous.get(K.FEE_KEY) or 0) >= 0.1 and levels.get(K.FEE_KEY, 0.0) >= 0.1
    if both_v2021 and K.FEE_KEY not in scaled and fee_ok:
        return K.FEE_KEY
    for key in ("t2.licensing.decisions", "t2.penalty.decisions"):
        if key not in scaled and levels.get(key, 0.0) >= JUMP_MIN_LEVEL and _int(previous.get(key)) >= 5:
            return key
    return None


def wrong_stated(quotes: dict[str, int | float], cells: dict[str, Value], rng: random.Random) -> tuple[str, int]:
    """A stated figure to contradict and the wrong number to state (unequal to every reading of it)."""
    target = rng.choice(sorted(quotes))
    value = int(quotes[target])
    wrong = value + rng.randint(1, 9)
    if target == "t3.new_received.total":  # "收到…申请" may also mean 新收 + 上年结转
        wrong += _int(cells.get(K.t3("carried_over_in", "total")))
    return target, wrong


def has_t3_t4_figures(cells: dict[str, Value]) -> bool:
    """Some 表三/表四 figure is non-zero (SAME_FIGURES ignores tables of zeros, which repeat honestly)."""
    return any(_int(v) for k, v in cells.items() if k.startswith(("t3.", "t4.")))


def fee_rows_present(template: str) -> bool:
    """R10 needs the v2021 sub-row (六)2."""
    return "other_fee_unpaid" in result_rows(template)
