"""Figures the report's prose states about table cells, used only to break ties between readings of a table.

Crawled text loses the cell boundaries of rows that have no arithmetic (表二 ``行政规范性文件 6233440`` may
be 62/33/440 or 623/3/440 …). The report's own prose often states one of those numbers:
"动态更新发布本年度制发行政 规范性文件62件", "集中公开现行有效行政规范性文件698件",
"全年办理…行政复议36起，行政诉讼9起". A *fact* is such a number tied to the cell(s) it describes; a reading
of the table that disagrees with a fact is dropped, but only when some reading agrees (a fact that fits no
reading is the prose's own business and is ignored).

Facts are read clause by clause (split at ，。；). In a clause, each number with a count unit is attributed
by the text between it and the previous number (its *lead*): the lead must name the row ("规范性文件") and,
where the row has several columns, say which one ("制发", "废止", "现行有效"). A lead that names two
columns, or that speaks of 信息 (information items, a different count), gives no fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

_CLAUSE = re.compile(r"[^，,。；;！!？?]+")
_NUMBER = re.compile(r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>万元|元|件|份|个|项|起|宗|次|条)?")
_COUNT_UNITS = ("件", "份", "个", "项", "起", "宗", "次")
_MONEY_UNITS = ("万元", "元")


@dataclass(frozen=True)
class FactRule:
    """How prose names one cell (or a sum of cells)."""

    keys: tuple[str, ...]  # the cells whose sum the sentence states
    row_words: tuple[str, ...]  # one must be in the lead
    col_words: tuple[str, ...] = ()  # one must be in the lead (empty: the row has one column)
    units: tuple[str, ...] = _COUNT_UNITS
    exclude: tuple[str, ...] = ("信息",)  # words that make the lead about something else
    group: str = ""  # rules of one row; a lead matching two columns of a group is ambiguous

    def matches(self, lead: str, unit: str | None) -> bool:
        if unit not in self.units:
            return False
        if any(word in lead for word in self.exclude):
            return False
        if not any(word in lead for word in self.row_words):
            return False
        return not self.col_words or any(word in lead for word in self.col_words)


@dataclass(frozen=True)
class Fact:
    """A number the prose states for ``keys`` (their sum), with the clause it came from."""

    keys: tuple[str, ...]
    value: Decimal
    quote: str


_ISSUED = ("制发", "新制定", "出台", "印发")
_REPEALED = ("废止", "宣布失效", "失效")
_IN_FORCE = ("现行有效",)
_DECIDED = ("决定", "作出", "办结", "办件", "办理", "案件", "查处")


def _three_columns(
    row: str, words: tuple[str, ...], columns: dict[str, tuple[str, ...]], **extra: tuple[str, ...]
) -> list[FactRule]:
    return [
        FactRule((f"t2.{row}.{column}",), words, col_words, group=f"t2.{row}", **extra)
        for column, col_words in columns.items()
    ]


_DOCS = ("规范性文件",)
_RULES = ("规章",)
_RULES_EXCLUDE = ("信息", "规章制度")

RULES: dict[str, tuple[FactRule, ...]] = {
    "v2021": (
        *_three_columns("normative_docs", _DOCS, {"issued": _ISSUED, "repealed": _REPEALED, "in_force": _IN_FORCE}),
        *_three_columns(
            "rules",
            _RULES,
            {"issued": _ISSUED, "repealed": _REPEALED, "in_force": _IN_FORCE},
            exclude=_RULES_EXCLUDE,
        ),
        FactRule(("t2.licensing.decisions",), ("行政许可",), _DECIDED),
        FactRule(("t2.penalty.decisions",), ("行政处罚",), _DECIDED),
        FactRule(("t2.coercion.decisions",), ("行政强制",), _DECIDED),
        FactRule(("t2.admin_fees.amount_wan_yuan",), ("行政事业性收费",), units=_MONEY_UNITS),
    ),
    "v2019": (
        *_three_columns("normative_docs", _DOCS, {"new_made": (*_ISSUED, "制作", "制定")}),
        *_three_columns("rules", _RULES, {"new_made": (*_ISSUED, "制作", "制定")}, exclude=_RULES_EXCLUDE),
        FactRule(("t2.licensing.decisions",), ("行政许可",), _DECIDED, group="t2.licensing"),
        FactRule(("t2.other_services.decisions",), ("其他对外管理服务事项",), _DECIDED, group="t2.other_services"),
        FactRule(("t2.penalty.decisions",), ("行政处罚",), _DECIDED, group="t2.penalty"),
        FactRule(("t2.coercion.decisions",), ("行政强制",), _DECIDED, group="t2.coercion"),
        FactRule(
            ("t2.central_procurement.projects",),
            ("集中采购", "采购项目"),
            units=("个", "项"),
            group="t2.central_procurement",
        ),
        FactRule(
            ("t2.central_procurement.amount",),
            ("采购",),
            ("金额", "资金", "总额"),
            units=_MONEY_UNITS,
            group="t2.central_procurement",
        ),
    ),
}
_T4 = (
    FactRule(("t4.review.total",), ("行政复议",), exclude=("信息公开申请数", "行政诉讼"), group="t4"),
    FactRule(
        ("t4.suit_direct.total", "t4.suit_after_review.total"),
        ("行政诉讼",),
        exclude=("行政复议",),
        group="t4",
    ),
)


def rules_for(template: str) -> tuple[FactRule, ...]:
    return (*RULES.get(template, ()), *_T4)


def _amount(value: Decimal, unit: str | None, keys: tuple[str, ...]) -> Decimal:
    """Prose money in 元 is compared in 万元, as the cells store it."""
    if unit == "元" and any(key.endswith(("amount_wan_yuan", "amount")) for key in keys):
        return value / Decimal(10000)
    return value


def read_facts(prose: Iterable[str], template: str) -> list[Fact]:
    """Every fact the ``prose`` states about the cells of ``template``."""
    rules = rules_for(template)
    facts: list[Fact] = []
    for text in prose:
        for clause_match in _CLAUSE.finditer(text.replace("\n", "")):
            clause = clause_match.group(0)
            previous_end = 0
            for number in _NUMBER.finditer(clause):
                lead = clause[previous_end : number.start()]
                previous_end = number.end()
                unit = number.group("unit")
                matched = [rule for rule in rules if rule.matches(lead, unit)]
                by_group: dict[str, list[FactRule]] = {}
                for rule in matched:
                    by_group.setdefault(rule.group or rule.keys[0], []).append(rule)
                for group_rules in by_group.values():
                    if len(group_rules) != 1:
                        continue  # the lead names two columns of one row: no fact
                    rule = group_rules[0]
                    value = _amount(Decimal(number.group("value")), unit, rule.keys)
                    facts.append(Fact(rule.keys, value, clause.strip()))
    return facts
