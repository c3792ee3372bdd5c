"""Realistic, internally consistent cell values for one body's series of synthetic reports.

What the numbers look like in real reports, and so here:

- most cells are 0: a township receives no or one 依申请 application a year, almost nobody is sued;
- 表二 counts follow the body's kind with long tails: a county 公安局 takes thousands of 行政处罚 decisions,
  a 统计局 none; fees (行政事业性收费, 万元 with two decimals) are 0 for most bodies and large for a few;
- a body's figures drift from year to year (±20 % around its own level), never by the ×10 that the JUMP
  check flags, and 表三/表四 are never accidentally identical to the previous year's (SAME_FIGURES);
- 表三 obeys R1–R3 (each applicant column: 新收 + 上年结转 = 办理结果总计 + 结转下年度; (七)总计 = the sum of
  the result rows; each row's 总计 = its six applicant columns), 表四 obeys R4, and the years chain: 上年结转
  (Y) = 结转下年度 (Y−1) per column (R5), v2021 现行有效 (Y) = 现行有效 (Y−1) + 制发 − 废止 (R6), v2019 上一年项目
  数量 (Y) = 上一年项目数量 (Y−1) + 本年增/减 (Y−1) and 本年新公开 ≤ 对外公开总数量 (R7).

``BodyState`` carries what chains across years; ``yearly_cells`` draws one year's printed values from it and
advances it. Planted defects (``pipelines.synth.defects``) change the values afterwards, and the state is
advanced from what was printed, so a defect in one year never makes the next year inconsistent.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from pipelines.canonical.registry import keys_for
from pipelines.synth import keys as K
from pipelines.synth.keys import APPLICANTS, result_rows
from pipelines.synth.roster import (
    COUNTY_DEPT,
    COUNTY_GOV,
    PREFECTURE_DEPT,
    PREFECTURE_GOV,
    PROVINCIAL_DEPT,
    PROVINCIAL_GOV,
    Issuer,
)

Value = int | float | None

#: How applications split over applicant columns: natural persons dominate.
APPLICANT_SHARES = (0.82, 0.10, 0.005, 0.005, 0.03, 0.04)
#: How processed applications split over the result rows (v2021 row (六) has three sub-rows).
RESULT_SHARES: dict[str, float] = {
    "granted": 0.42,
    "partially_granted": 0.08,
    "denied_state_secret": 0.003,
    "denied_law_prohibited": 0.01,
    "denied_three_safeties_one_stability": 0.003,
    "denied_third_party_rights": 0.015,
    "denied_internal_affairs": 0.01,
    "denied_process_info": 0.012,
    "denied_enforcement_file": 0.005,
    "denied_admin_inquiry": 0.01,
    "unavailable_not_held": 0.25,
    "unavailable_needs_creation": 0.02,
    "unavailable_unclear": 0.03,
    "not_processed_petition": 0.03,
    "not_processed_duplicate": 0.02,
    "not_processed_publication": 0.003,
    "not_processed_excessive": 0.005,
    "not_processed_confirm_reissue": 0.01,
    "other_no_correction": 0.03,
    "other_fee_unpaid": 0.002,
    "other_other": 0.02,
}
#: Share of a column's workload still open at year end (结转下年度).
CARRY_SHARE = 0.06
T4_SHARES = (0.62, 0.14, 0.14, 0.10)  # upheld, corrected, other, pending


@dataclass(frozen=True)
class Profile:
    """A body's typical yearly level of each figure (means; 0 means the body never has any)."""

    requests: float
    reviews: float
    suits: float
    licensing: float
    penalty: float
    coercion: float
    fees_wan_yuan: float
    normative_docs: float
    rules: float
    licensing_items: float
    penalty_items: float


#: Department kinds → (licensing, penalty, coercion, fees 万元, requests) at county level.
_DEPARTMENT_LEVELS: dict[str, tuple[float, float, float, float, float]] = {
    "police": (2500, 4000, 300, 150, 3),
    "market": (3000, 400, 40, 5, 2),
    "approval": (6000, 0, 0, 0, 1.5),
    "natural_resources": (300, 60, 10, 800, 8),
    "housing": (400, 50, 8, 120, 6),
    "transport": (900, 700, 30, 40, 1.5),
    "urban_management": (200, 900, 120, 20, 2),
    "emergency": (40, 60, 5, 0, 0.8),
    "health": (500, 80, 4, 2, 1.5),
    "agriculture": (120, 40, 3, 0, 1),
    "culture": (60, 25, 1, 0, 0.6),
    "human_resources": (80, 10, 0.5, 1, 3),
    "civil_affairs": (20, 1, 0, 0, 1),
    "water": (60, 15, 3, 30, 0.8),
    "forestry": (150, 40, 5, 10, 0.6),
    "education": (60, 2, 0, 0, 1.5),
    "medical_insurance": (5, 10, 0, 0, 0.5),
    "justice": (30, 1, 0, 0, 0.5),
    "commerce": (40, 5, 0, 0, 0.4),
    "industry": (10, 2, 0, 0, 0.5),
    "science": (5, 0, 0, 0, 0.3),
    "development": (50, 2, 0, 0, 1.2),
    "finance": (2, 1, 0, 0, 0.8),
    "veterans": (2, 0, 0, 0, 0.6),
    "statistics": (0, 3, 0, 0, 0.3),
    "audit": (0, 1, 0, 0, 0.3),
    "general_office": (0, 0, 0, 0, 2),
}
#: Level → multiplier of a county department's figures.
_LEVEL_SCALE = {COUNTY_DEPT: 1.0, PREFECTURE_DEPT: 2.5, PROVINCIAL_DEPT: 6.0}


def _lognormal(rng: random.Random, mean: float, sigma: float) -> float:
    """A positive draw with the given mean and log-scale spread (the long tail of body sizes)."""
    if mean <= 0:
        return 0.0
    return mean * math.exp(rng.gauss(-sigma * sigma / 2, sigma))


def profile_for(issuer: Issuer, rng: random.Random) -> Profile:
    """The body's own levels: its kind's typical level times a body-specific factor (long-tailed)."""
    spread = 0.9
    if issuer.kind in ("township", "subdistrict"):
        base = Profile(
            requests=0.35, reviews=0.02, suits=0.015, licensing=15, penalty=6, coercion=0.3, fees_wan_yuan=0,
            normative_docs=0.15, rules=0, licensing_items=12, penalty_items=30,
        )  # fmt: skip
        if rng.random() < 0.45:  # many townships hold no 行政许可/行政处罚 powers at all
            base = Profile(**{**base.__dict__, "licensing": 0, "penalty": 0, "licensing_items": 0})
    elif issuer.level == COUNTY_GOV:
        base = Profile(
            requests=25, reviews=2.5, suits=1.5, licensing=2, penalty=0, coercion=0, fees_wan_yuan=0,
            normative_docs=9, rules=0, licensing_items=3, penalty_items=0,
        )  # fmt: skip
    elif issuer.level == PREFECTURE_GOV:
        base = Profile(
            requests=90, reviews=9, suits=6, licensing=3, penalty=0, coercion=0, fees_wan_yuan=0,
            normative_docs=14, rules=2, licensing_items=4, penalty_items=0,
        )  # fmt: skip
    elif issuer.level == PROVINCIAL_GOV:
        base = Profile(
            requests=320, reviews=25, suits=14, licensing=4, penalty=0, coercion=0, fees_wan_yuan=0,
            normative_docs=20, rules=5, licensing_items=5, penalty_items=0,
        )  # fmt: skip
    else:
        licensing, penalty, coercion, fees, requests = _DEPARTMENT_LEVELS[issuer.kind]
        scale = _LEVEL_SCALE.get(issuer.level, 1.0)
        base = Profile(
            requests=requests * scale * (1.5 if issuer.level == PROVINCIAL_DEPT else 1.0),
            reviews=requests * 0.06 * scale,
            suits=requests * 0.04 * scale,
            licensing=licensing * scale,
            penalty=penalty * scale,
            coercion=coercion * scale,
            fees_wan_yuan=fees * scale if rng.random() < 0.6 else 0.0,
            normative_docs=1.5 if issuer.level != COUNTY_DEPT else 0.6,
            rules=0,
            licensing_items=min(400.0, 20 + licensing / 20),
            penalty_items=min(3000.0, 10 + penalty / 2),
        )
    factor = {name: _lognormal(rng, 1.0, spread) for name in base.__dict__}
    return Profile(**{name: value * factor[name] for name, value in base.__dict__.items()})


@dataclass
class BodyState:
    """What one body's reports carry from year to year (always the values as *printed* last year)."""

    profile: Profile
    carried: dict[str, int] = field(default_factory=dict)  # 结转下年度 per applicant column
    in_force: dict[str, int] = field(default_factory=dict)  # v2021 现行有效 per row (rules, normative_docs)
    total_published: dict[str, int] = field(default_factory=dict)  # v2019 对外公开总数量 per row
    items: dict[str, int] = field(default_factory=dict)  # v2019 上一年项目数量 + 本年增/减, per row
    previous: dict[str, Value] = field(default_factory=dict)  # last year's printed cells
    previous_year: int | None = None


def new_state(issuer: Issuer, rng: random.Random) -> BodyState:
    """A body before its first report: its profile and the stocks it starts with."""
    profile = profile_for(issuer, rng)
    state = BodyState(profile)
    for column, share in zip(APPLICANTS, APPLICANT_SHARES, strict=True):
        state.carried[column] = poisson(rng, profile.requests * share * CARRY_SHARE)
    state.in_force["rules"] = round(profile.rules * rng.uniform(12, 30)) if profile.rules else 0
    state.in_force["normative_docs"] = round(profile.normative_docs * rng.uniform(3, 8))
    state.total_published["rules"] = state.in_force["rules"] + poisson(rng, profile.rules * 4)
    state.total_published["normative_docs"] = state.in_force["normative_docs"] + poisson(rng, profile.normative_docs)
    state.items["licensing"] = round(profile.licensing_items)
    state.items["other_services"] = round(profile.licensing_items * rng.uniform(0.0, 0.5))
    state.items["penalty"] = round(profile.penalty_items)
    state.items["coercion"] = round(profile.penalty_items * rng.uniform(0.02, 0.1)) if profile.penalty_items else 0
    state.items["admin_fees"] = rng.randint(1, 12) if profile.fees_wan_yuan else 0
    return state


# ------------------------------------------------------------------------------------------ sampling


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson count (Knuth below 30, a rounded normal above)."""
    if mean <= 0:
        return 0
    if mean >= 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, product, count = math.exp(-mean), rng.random(), 0
    while product > limit:
        product *= rng.random()
        count += 1
    return count


def binomial(rng: random.Random, n: int, p: float) -> int:
    """A binomial count (exact below 60 trials, a clipped normal above)."""
    if n <= 0 or p <= 0:
        return 0
    if n < 60:
        return sum(1 for _ in range(n) if rng.random() < p)
    return min(n, max(0, round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))))


def multinomial(rng: random.Random, n: int, shares: tuple[float, ...]) -> list[int]:
    """``n`` items spread over categories with the given shares (sequential binomials)."""
    if n <= 0:
        return [0] * len(shares)
    counts, left, mass = [], n, sum(shares)
    for share in shares[:-1]:
        drawn = binomial(rng, left, share / mass) if mass > 0 else 0
        counts.append(drawn)
        left -= drawn
        mass -= share
    counts.append(left)
    return counts


def _drift(rng: random.Random, level: float) -> int:
    """This year's count around a body's level: ±20 % drift, Poisson noise for small levels."""
    if level <= 0:
        return 0
    mean = level * math.exp(rng.gauss(0, 0.2))
    return poisson(rng, mean)


def _money(rng: random.Random, level: float) -> float | int:
    """An amount in 万元 with up to two decimals (0 when the body collects nothing)."""
    if level <= 0:
        return 0
    cents = round(level * math.exp(rng.gauss(0, 0.2)) * 100)
    return cents // 100 if cents % 100 == 0 else cents / 100


# ------------------------------------------------------------------------------------------ one year


def _t3(cells: dict[str, Value], template: str, state: BodyState, rng: random.Random) -> None:
    profile = state.profile
    received = _drift(rng, profile.requests)
    per_column = multinomial(rng, received, APPLICANT_SHARES)
    rows = result_rows(template)
    other_v2021 = sum(RESULT_SHARES[r] for r in K.group_rows(K.V2021, "other_"))
    shares = tuple(RESULT_SHARES[row] if row != "other_total" else other_v2021 for row in rows)
    for column, new in zip(APPLICANTS, per_column, strict=True):
        carried_in = state.carried.get(column, 0)
        workload = new + carried_in
        carried_out = binomial(rng, workload, CARRY_SHARE)
        processed = workload - carried_out
        for row, count in zip(rows, multinomial(rng, processed, shares), strict=True):
            cells[K.t3(row, column)] = count
        cells[K.t3("new_received", column)] = new
        cells[K.t3("carried_over_in", column)] = carried_in
        cells[K.t3("total_processed", column)] = processed
        cells[K.t3("carried_forward_out", column)] = carried_out
    fill_t3_totals(cells, template)


def fill_t3_totals(cells: dict[str, Value], template: str) -> None:
    """Every 表三 row's 总计 as the sum of its six applicant columns (R3)."""
    for row in K.t3_rows(template):
        total = 0
        for column in APPLICANTS:
            total += int(cells[f"t3.{row}.{column}"] or 0)
        cells[f"t3.{row}.total"] = total


def _t4(cells: dict[str, Value], state: BodyState, rng: random.Random) -> None:
    profile = state.profile
    means = {"review": profile.reviews, "suit_direct": profile.suits, "suit_after_review": profile.suits * 0.4}
    for block in K.T4_BLOCKS:
        total = _drift(rng, means[block])
        for part, count in zip(K.T4_PARTS, multinomial(rng, total, T4_SHARES), strict=True):
            cells[K.t4(block, part)] = count
        cells[K.t4(block, "total")] = total


def _t2_v2021(cells: dict[str, Value], state: BodyState, rng: random.Random) -> None:
    profile = state.profile
    for row, level in (("rules", profile.rules), ("normative_docs", profile.normative_docs)):
        issued = _drift(rng, level)
        stock = state.in_force.get(row, 0)
        repealed = min(stock + issued, _drift(rng, level * 0.4))
        cells[f"t2.{row}.issued"] = issued
        cells[f"t2.{row}.repealed"] = repealed
        cells[f"t2.{row}.in_force"] = stock + issued - repealed
    cells["t2.licensing.decisions"] = _drift(rng, profile.licensing)
    cells["t2.penalty.decisions"] = _drift(rng, profile.penalty)
    cells["t2.coercion.decisions"] = _drift(rng, profile.coercion)
    cells["t2.admin_fees.amount_wan_yuan"] = _money(rng, profile.fees_wan_yuan)


def _t2_v2019(cells: dict[str, Value], state: BodyState, rng: random.Random) -> None:
    profile = state.profile
    for row, level in (("rules", profile.rules), ("normative_docs", profile.normative_docs)):
        made = _drift(rng, level)
        published = made if rng.random() < 0.9 else binomial(rng, made, 0.8)
        cells[f"t2.{row}.new_made"] = made
        cells[f"t2.{row}.new_published"] = published
        cells[f"t2.{row}.total_published"] = state.total_published.get(row, 0) + published
    decisions = {
        "licensing": _drift(rng, profile.licensing),
        "other_services": _drift(rng, profile.licensing * 0.3),
        "penalty": _drift(rng, profile.penalty),
        "coercion": _drift(rng, profile.coercion),
    }
    for row in K.V2019_ITEM_ROWS:
        before = state.items.get(row, 0)
        change = rng.choice((0, 0, 0, 1, 2, -1, -2, 5, -5)) if before else rng.choice((0, 0, 0, 1))
        change = max(change, -before)  # R7: 上一年项目数量 + 本年增/减 ≥ 0
        cells[f"t2.{row}.items_prev_year"] = before
        cells[f"t2.{row}.items_change"] = change
        if row in decisions:
            cells[f"t2.{row}.decisions"] = decisions[row]
    cells["t2.central_procurement.projects"] = _drift(rng, 3 if profile.requests > 1 else 0.5)
    projects = cells["t2.central_procurement.projects"]
    cells["t2.central_procurement.amount"] = _money(rng, 40.0 * int(projects or 0))


def yearly_cells(template: str, state: BodyState, rng: random.Random) -> dict[str, Value]:
    """One year's printed values on ``template`` (every key of ``keys_for(template)``), consistent (R1–R8).

    Call ``advance`` with the printed values afterwards (after any planted defect).
    """
    cells: dict[str, Value] = {}
    if template == K.V2021:
        _t2_v2021(cells, state, rng)
    else:
        _t2_v2019(cells, state, rng)
    _t3(cells, template, state, rng)
    _t4(cells, state, rng)
    if state.previous and same_tables(state.previous, cells):
        nudge_t3(cells, template)
    if len(cells) != len(keys_for(template)):  # every key drawn, none invented
        raise AssertionError(f"values.yearly_cells: {sorted(set(keys_for(template)) ^ set(cells))[:5]}")
    return cells


def same_tables(previous: dict[str, Value], cells: dict[str, Value]) -> bool:
    """表三 and 表四 print exactly last year's figures, some of them non-zero (what SAME_FIGURES flags)."""
    keys = [k for k in cells if k.startswith(("t3.", "t4.")) and k in previous]
    if not keys or any(previous[k] != cells[k] for k in keys):
        return False
    return any(cells[k] for k in keys)


def nudge_t3(cells: dict[str, Value], template: str) -> None:
    """One more natural-person application, granted: keeps R1–R3 and breaks an accidental repeat."""
    for row in ("new_received", "granted", "total_processed"):
        key = K.t3(row, "natural_person")
        cells[key] = int(cells[key] or 0) + 1
    fill_t3_totals(cells, template)


def advance(state: BodyState, year: int, template: str, printed: dict[str, Value]) -> None:
    """Carry this year's printed values into the next year's starting stocks."""
    for column in APPLICANTS:
        state.carried[column] = int(printed.get(K.t3("carried_forward_out", column)) or 0)
    if template == K.V2021:
        for row in K.STOCK_ROWS:
            state.in_force[row] = int(printed.get(f"t2.{row}.in_force") or 0)
    else:
        for row in K.V2019_PUBLISHED_ROWS:
            state.total_published[row] = int(printed.get(f"t2.{row}.total_published") or 0)
        for row in K.V2019_ITEM_ROWS:
            before = int(printed.get(f"t2.{row}.items_prev_year") or 0)
            state.items[row] = max(0, before + int(printed.get(f"t2.{row}.items_change") or 0))
    state.previous = dict(printed)
    state.previous_year = year
