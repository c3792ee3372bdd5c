"""The counts a report's prose states, each tied to the table cell (or sum of cells) it speaks about.

Rule R9 (format-spec §5) compares what the narrative says with what the tables print: "全年收到政府信息公开
申请34件" with 表三 一、本年新收 总计, "行政复议36起，行政诉讼9起" with 表四. A ``StatedFigure`` is one such
statement: the canonical *target* it names, the cells whose sum that is, the number, the sentence and the
character span of the number in the text it was read from.

How a number is attributed. Sentences are split at 。；！？ and clauses at ，. Only numbers followed by a
count unit (件 条 起 宗 份 个 例) are figures; dates, money and bare numbers are skipped. The *lead* of a figure
is the clause text since the previous figure. A figure's target is the rule whose wording ends the lead
(up to filler such as 共/为/的), the longest such wording winning: "同意公开答复9件" is 予以公开 (not 答复 = all
answers), "转下一年度办理答复的有1件" is 结转下年度. A figure no wording precedes may be named after it
("有1件涉及政府信息公开工作的行政复议"). Chinese numerals (一件, 两件, 十二件) count, and statements of absence
("未收到政府信息公开申请", "未收到…行政复议、提起行政诉讼的申请") give 0.

Some wordings admit more than one reading, and the figure lists them as ``alternatives``: "收到…申请75件"
may be the new applications (表三 一) or new plus carried over (一 + 二) — 平潭综合实验区 2022 means the
latter. The check decides; nothing here compares with tables.

Decoys kept out (legacy-structures §4): information-item counts (不予公开信息数, 作为依申请公开信息数 — the
wording is followed by 信息数, not filler), cumulative figures (累计, 历年), 信息 counts under a row name
(行政许可类信息69条), hotline cases (12345 咨询投诉), money.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipelines.narrative.fold import compact

_DENIED = (
    "denied_state_secret",
    "denied_law_prohibited",
    "denied_three_safeties_one_stability",
    "denied_third_party_rights",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_admin_inquiry",
)
_UNAVAILABLE = ("unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear")
_NOT_PROCESSED = (
    "not_processed_petition",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirm_reissue",
)
_OTHER = ("other_no_correction", "other_fee_unpaid", "other_other")


def _totals(rows: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"t3.{row}.total" for row in rows)


#: Every target a figure can name → the v2021 cells whose sum it states (validation maps them to v2019/legacy).
TARGETS: dict[str, tuple[str, ...]] = {
    "t3.new_received.total": ("t3.new_received.total",),
    "t3.carried_over_in.total": ("t3.carried_over_in.total",),
    "t3.granted.total": ("t3.granted.total",),
    "t3.partially_granted.total": ("t3.partially_granted.total",),
    "t3.granted_and_partial.total": ("t3.granted.total", "t3.partially_granted.total"),
    "t3.denied.total": _totals(_DENIED),
    "t3.unavailable.total": _totals(_UNAVAILABLE),
    "t3.not_processed.total": _totals(_NOT_PROCESSED),
    "t3.other.total": _totals(_OTHER),
    "t3.total_processed.total": ("t3.total_processed.total",),
    "t3.carried_forward_out.total": ("t3.carried_forward_out.total",),
    "t4.review.total": ("t4.review.total",),
    "t4.suit.total": ("t4.suit_direct.total", "t4.suit_after_review.total"),
    "t2.rules.issued": ("t2.rules.issued",),
    "t2.normative_docs.issued": ("t2.normative_docs.issued",),
    "t2.normative_docs.repealed": ("t2.normative_docs.repealed",),
    "t2.normative_docs.in_force": ("t2.normative_docs.in_force",),
    "t2.licensing.decisions": ("t2.licensing.decisions",),
    "t2.penalty.decisions": ("t2.penalty.decisions",),
    "t2.coercion.decisions": ("t2.coercion.decisions",),
    "legacy.active.items_total": ("legacy.active.items_total",),
}

_NEW_OR_WITH_CARRIED = (("t3.new_received.total", "t3.carried_over_in.total"),)
_ANSWERED_ALTERNATIVES = (("t3.new_received.total",), ("t3.new_received.total", "t3.carried_over_in.total"))


@dataclass(frozen=True)
class StatedFigure:
    """A count the prose states: which cells it is about, the number, and where it was said.

    ``span`` is the character span of the number (of the whole statement for "未收到…" zeros) in the text
    given to ``stated_figures``; ``sentence`` is the sentence around it as printed; ``phrase`` the wording that
    named the target (compact, white space removed). ``keys`` are v2021 keys; ``alternatives`` are other
    readings the wording admits, each a tuple of keys whose sum the number may be. ``breakdown`` marks a part
    of the whole ("县直各单位主动公开政府信息303条，占71.3%"): a sub-unit or a share, not the report's figure.
    """

    target: str
    keys: tuple[str, ...]
    value: int | float
    unit: str | None
    sentence: str
    span: tuple[int, int]
    phrase: str
    alternatives: tuple[tuple[str, ...], ...] = ()
    breakdown: bool = False

    def as_dict(self) -> dict[str, object]:
        """A flat record (the shape of a row of the lake's ``stated_figures`` table)."""
        return {
            "target": self.target,
            "keys": list(self.keys),
            "value": self.value,
            "unit": self.unit,
            "sentence": self.sentence,
            "span_start": self.span[0],
            "span_end": self.span[1],
            "phrase": self.phrase,
            "alternatives": [list(a) for a in self.alternatives],
            "breakdown": self.breakdown,
        }


_G = r"[^，,。；;\d]"  # any clause character except digits
_FILLER = r"(?:共计|合计|总数|数量|共|计|为|达|有|数|是|的|合|约|近|了|均|各|都|:|：)*"
_T34_UNITS = frozenset("件条起宗份个例次")
_T2_UNITS = frozenset("件份个")
_ITEM_UNITS = frozenset("条件")
_DECISION_UNITS = frozenset("件宗起个次")
_PUBLISHED = r"发布|公开|公示|栏目|信息"  # "发布行政处罚23件" counts published items, not decisions
_NOT_REQUESTS = r"复议|诉讼|投诉|举报|咨询|信访|建议|提案|许可|处罚|强制|网络问政|诉求"


@dataclass(frozen=True)
class _Rule:
    """Wording that, ending a figure's lead, names ``targets``."""

    targets: tuple[str, ...]
    wording: str
    units: frozenset[str] = _T34_UNITS
    alternatives: tuple[tuple[str, ...], ...] = ()
    reject: str | None = None  # the matched wording must not contain this
    cumulative_ok: bool = False  # a lead saying 累计/历年 still counts (现行有效 is a stock)
    about_disclosure: bool = False  # the sentence must speak of 信息公开 (审批 and hotline cases are 申请/办结 too)
    reject_lead: str | None = None  # the lead must not contain this

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.wording)


_SpanOf = Callable[[int, int], tuple[int, int]]  # compact offsets → source offsets
_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(wording: str) -> re.Pattern[str]:
    pattern = _CACHE.get(wording)
    if pattern is None:
        pattern = re.compile(rf"(?:{wording}){_FILLER}$")
        _CACHE[wording] = pattern
    return pattern


_RULES: tuple[_Rule, ...] = (
    _Rule(("t3.new_received.total",), rf"(?:本年度?|全年)?新收(?:到)?{_G}{{0,16}}?申请"),
    _Rule(
        ("t3.new_received.total",),
        rf"(?:收到|受理|接收|接到|共收){_G}{{0,24}}?(?:依申请{_G}{{0,6}}?公开|申请)",
        alternatives=_NEW_OR_WITH_CARRIED,
        reject=_NOT_REQUESTS,
        about_disclosure=True,
    ),
    _Rule(
        ("t3.total_processed.total",),
        rf"(?:(?:办结|答复|办理完毕|办理完成|办理|处理){_G}{{0,12}}?申请|(?:^|(?<=[共已均年度的对]))(?:办结|答复(?:总数)?))",
        alternatives=_ANSWERED_ALTERNATIVES,
        reject=_NOT_REQUESTS,
        about_disclosure=True,
    ),
    _Rule(("t3.granted.total",), r"(?:予以公开|同意公开)(?:答复)?"),
    _Rule(("t3.granted_and_partial.total",), r"(?:予以公开|同意公开)(?:及|和|与|、|或)(?:予以|同意)?部分公开(?:答复)?"),
    _Rule(("t3.partially_granted.total",), r"(?:同意|予以)?部分公开(?:答复)?"),
    _Rule(("t3.denied.total",), r"(?:不予公开|不同意公开|否决公开)(?:答复)?"),
    _Rule(("t3.unavailable.total",), r"无法提供(?:答复)?"),
    _Rule(("t3.not_processed.total",), r"不予处理(?:答复)?"),
    _Rule(("t3.other.total",), r"其他处理"),
    _Rule(
        ("t3.carried_over_in.total",),
        rf"(?:(?:上一?年度?|去年)(?:结转|转入|遗留|未办结)|结转上一?年度?){_G}{{0,12}}?(?:申请)?",
    ),
    _Rule(
        ("t3.carried_forward_out.total",),
        rf"(?:结转|转|顺延)(?:至|到|入)?(?:下一?年度?|次年|\d{{4}}年度?)(?:继续)?(?:办理)?(?:答复)?{_G}{{0,4}}?(?:申请)?",
    ),
    _Rule(("t4.review.total",), r"行政法?复议(?:案件|申请|案)?"),
    _Rule(("t4.suit.total",), r"(?:提起)?行政诉讼(?:案件|案)?"),
    _Rule(
        ("t4.review.total", "t4.suit.total"),
        r"行政法?复议(?:案件)?(?:和|及|与|、|或)(?:提起)?行政诉讼(?:案件)?(?:数量?)?(?:均|各|都)",
    ),
    _Rule(
        ("t2.normative_docs.issued",),
        r"(?:制发|印发|出台|制定|新制定|发布)(?:了)?(?:的)?(?:行政)?规范性文件",
        _T2_UNITS,
    ),
    _Rule(("t2.normative_docs.repealed",), r"(?:废止|宣布失效|失效)(?:了)?(?:的)?(?:行政)?规范性文件", _T2_UNITS),
    _Rule(
        ("t2.normative_docs.in_force",),
        r"现行有效(?:的)?(?:行政)?规范性文件",
        _T2_UNITS,
        cumulative_ok=True,
    ),
    _Rule(("t2.rules.issued",), rf"(?:制发|出台|制定|新制定|新增公开|公布)(?:了)?(?:的)?{_G}{{0,6}}?规章", _T2_UNITS),
    _Rule(("t2.licensing.decisions",), r"行政许可(?:决定|办件|案件)?", _DECISION_UNITS, reject_lead=_PUBLISHED),
    _Rule(("t2.penalty.decisions",), r"行政处罚(?:决定|案件|案)?", _DECISION_UNITS, reject_lead=_PUBLISHED),
    _Rule(("t2.coercion.decisions",), r"行政强制(?:决定|措施|案件)?", _DECISION_UNITS, reject_lead=_PUBLISHED),
    _Rule(("legacy.active.items_total",), r"主动公开(?:了)?(?:各类)?(?:政府)?信息", _ITEM_UNITS),
)
# Wording after the number ("有1件涉及政府信息公开工作的行政复议", "另有103件顺延到下年度答复").
_TRAILING = re.compile(
    rf"{_G}{{0,20}}?(?P<what>行政法?复议|行政诉讼)|{_G}{{0,6}}?(?P<later>顺延|结转|转)(?:至|到|入)?(?:下一?年度?|次年)"
)
_TRAILING_TARGET = {"行政复议": "t4.review.total", "行政法复议": "t4.review.total", "行政诉讼": "t4.suit.total"}
_DISCLOSURE = re.compile(r"信息公开|依申请|公开申请")
# A part of the whole: a sub-unit named before the wording, or a share ("，占71.3%") after the number.
_PART_OF = re.compile(r"各单位|各部门|各乡镇|乡镇|县直|区直|市直|公开办|所属|下属|其[他它]")
_SHARE = re.compile(r"[，,]?约?占")

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER = re.compile(
    r"(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
    r"(?P<unit>万元|人次|件|条|起|宗|份|个|例|次|项|年|月|日|元|%|余|多)?"
)
_SENTENCE = re.compile(r"[^。；;！!？?]+")
_CLAUSE = re.compile(r"[^，,]+")
_CUMULATIVE = re.compile(r"累计|历年|截至")
_ABSENCE = re.compile(
    rf"(?:未|没有|暂无|尚未|均未|无)(?:收到|接到|受理|发生|产生|出现|接收)(?P<what>{_G}{{0,40}}?)"
    r"(?:的)?(?P<end>申请|案件|情况|事项)"
)
_NO_DENIAL = re.compile(r"(?:无|没有|未发生|未作出)不予公开")


def chinese_number(text: str) -> int:
    """The value of a Chinese numeral: 一 → 1, 两 → 2, 十二 → 12, 二十 → 20, 一百零五 → 105, 三万 → 30000.

    Digit-by-digit numerals without 十/百/千 ("二〇") read positionally (20).
    """
    if not any(char in _CN_UNITS or char == "万" for char in text):
        value = 0
        for char in text:
            value = value * 10 + _CN_DIGITS.get(char, 0)
        return value
    total = section = digit = 0
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[char]
            digit = 0
        elif char == "万":
            total += (section + digit) * 10000
            section = digit = 0
    return total + section + digit


def _value(number: str) -> int | float | None:
    if number[0].isdigit():
        literal = number.replace(",", "")
        return float(literal) if "." in literal else int(literal)
    if number in ("万", "千", "百"):
        return None
    return chinese_number(number)


def _best_rule(lead: str, unit: str, sentence: str) -> tuple[_Rule, str, int] | None:
    """The rule whose wording ends ``lead`` (longest wording wins), that wording and where it starts."""
    best: tuple[_Rule, str, int] | None = None
    for rule in _RULES:
        if unit not in rule.units:
            continue
        if rule.about_disclosure and not _DISCLOSURE.search(sentence):
            continue
        match = rule.pattern.search(lead)
        if match is None:
            continue
        wording = match.group(0)
        if rule.reject and re.search(rule.reject, wording):
            continue
        if rule.reject_lead and re.search(rule.reject_lead, lead):
            continue
        if not rule.cumulative_ok and _CUMULATIVE.search(lead):
            continue
        if best is None or len(wording) > len(best[1]):
            best = (rule, wording, match.start())
    return best


@dataclass(frozen=True)
class _Where:
    """Where a figure was said: its sentence, the span of its number and the wording that named it."""

    sentence: str
    span: tuple[int, int]
    phrase: str


def _figure(
    target: str,
    value: int | float,
    unit: str | None,
    where: _Where,
    alternatives: tuple[tuple[str, ...], ...] = (),
    breakdown: bool = False,
) -> StatedFigure:
    return StatedFigure(
        target, TARGETS[target], value, unit, where.sentence, where.span, where.phrase, alternatives, breakdown
    )


def stated_figures(text: str) -> list[StatedFigure]:
    """Every count the prose ``text`` states about a table cell, in text order."""
    packed = compact(text)
    figures: list[StatedFigure] = []
    for sentence_match in _SENTENCE.finditer(packed.text):
        sentence = _Sentence(
            text=sentence_match.group(0),
            start=sentence_match.start(),
            source=text[slice(*packed.source_span(sentence_match.start(), sentence_match.end()))].strip(),
            span_of=packed.source_span,
        )
        for clause in _CLAUSE.finditer(sentence.text):
            figures.extend(_clause_figures(sentence, clause.start(), clause.end()))
            figures.extend(_absence_figures(sentence, clause.start(), clause.end()))
    figures.sort(key=lambda figure: figure.span)
    return figures


@dataclass(frozen=True)
class _Sentence:
    """One sentence of the compact text: its text, its offset, the sentence as printed, the offset map."""

    text: str
    start: int
    source: str
    span_of: _SpanOf

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.span_of(self.start + start, self.start + end)


def _clause_figures(sentence: _Sentence, clause_start: int, clause_end: int) -> list[StatedFigure]:
    found: list[StatedFigure] = []
    clause = sentence.text[:clause_end]  # positions stay sentence offsets; the lead never crosses clause_start
    lead_start = clause_start
    for number in _NUMBER.finditer(clause, clause_start):
        unit = number.group("unit")
        if unit is None or unit not in _T34_UNITS | _T2_UNITS | _ITEM_UNITS:
            continue  # a date, an amount, a percentage, a bare or approximate number: not a count
        if number.start() > clause_start and clause[number.start() - 1] == "第":
            lead_start = number.end()
            continue  # an ordinal (第二十条)
        value = _value(number.group("number"))
        lead = clause[lead_start : number.start()]
        lead_offset = lead_start
        lead_start = number.end()
        if value is None:
            continue
        span = sentence.source_span(number.start("number"), number.end("number"))
        share = bool(_SHARE.match(sentence.text, number.end()))
        chosen = _best_rule(lead, unit, sentence.text)
        if chosen is not None:
            rule, wording, wording_start = chosen
            part = share or bool(_PART_OF.search(clause, clause_start, lead_offset + wording_start))
            where = _Where(sentence.source, span, f"{wording}{number.group(0)}")
            found.extend(_figure(t, value, unit, where, rule.alternatives, part) for t in rule.targets)
            continue
        trailing = _TRAILING.match(clause, number.end())
        if trailing is not None:
            target = _TRAILING_TARGET.get(trailing.group("what") or "", "t3.carried_forward_out.total")
            phrase = f"{number.group(0)}{clause[number.end() : trailing.end()]}"
            found.append(_figure(target, value, unit, _Where(sentence.source, span, phrase), breakdown=share))
    return found


def _absence_figures(sentence: _Sentence, clause_start: int, clause_end: int) -> list[StatedFigure]:
    found: list[StatedFigure] = []
    for match in _ABSENCE.finditer(sentence.text, clause_start, clause_end):
        said = match.group(0)
        targets: list[str] = []
        if "复议" in said:
            targets.append("t4.review.total")
        if "诉讼" in said:
            targets.append("t4.suit.total")
        if not targets and match.group("end") == "申请" and not re.search(_NOT_REQUESTS, said):
            targets.append("t3.new_received.total")
        where = _Where(sentence.source, sentence.source_span(match.start(), match.end()), said)
        found.extend(_figure(t, 0, None, where) for t in targets)
    for match in _NO_DENIAL.finditer(sentence.text, clause_start, clause_end):
        where = _Where(sentence.source, sentence.source_span(match.start(), match.end()), match.group(0))
        found.append(_figure("t3.denied.total", 0, None, where))
    return found
