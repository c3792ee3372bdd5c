"""R5, R6, implausible jumps, repeated figures and 内容雷同 between an issuer's consecutive reports."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from pipelines.validation import keys as K
from pipelines.validation.cross_year import (
    ReportSnapshot,
    check_copy_previous_year,
    check_cross_year,
    check_jumps,
    check_r5,
    check_r6,
    check_same_figures,
    is_jump,
)
from pipelines.validation.findings import FAIL, NOT_ASSESSABLE, PASS, cells_from_values
from tests.test_validation_arithmetic import consistent_v2021


def snapshot(
    year: int, template: str = "v2021", sections: dict[str, str] | None = None, **values: float | None
) -> ReportSnapshot:
    cells = consistent_v2021()
    cells.update({key.replace("__", "."): value for key, value in values.items()})
    return ReportSnapshot("某镇人民政府", year, template, cells_from_values(cells), sections or {})


def test_r5_carried_forward_matches_carried_over() -> None:
    before = snapshot(2022)  # carried_forward_out 1 (自然人, 总计), 0 elsewhere
    after = snapshot(2023, t3__carried_over_in__total=2)
    r5 = {f.scope: f for f in check_r5(before, after)}
    assert r5["years:2022-2023 column:natural_person"].outcome == PASS
    failed = r5["years:2022-2023 column:total"]
    assert (failed.outcome, failed.expected, failed.actual, failed.severity) == (FAIL, 1, 2, "warning")
    assert [c.key for c in failed.cells] == ["2022:t3.carried_forward_out.total", "2023:t3.carried_over_in.total"]
    blank = snapshot(2023, t3__carried_over_in__org_other=None)
    assert {f.scope: f.outcome for f in check_r5(before, blank)}["years:2022-2023 column:org_other"] == NOT_ASSESSABLE
    assert check_r5(snapshot(2018, "legacy"), snapshot(2019, "v2019")) == []


def test_r6_in_force_continuity_on_pingtan_2024_2025(corpus_dir: Path) -> None:
    """平潭综合实验区 2025: 现行有效 440 (2024) + 58 − 45 = 453, but 546 is printed (expected.json notes)."""

    def load(year: int) -> ReportSnapshot:
        expected = json.loads((corpus_dir / f"平潭综合实验区_{year}.expected.json").read_text(encoding="utf-8"))
        return ReportSnapshot("平潭综合实验区", year, expected["template"], cells_from_values(expected["cells"]))

    r6 = {f.scope: f for f in check_r6(load(2024), load(2025))}
    docs = r6["years:2024-2025 row:normative_docs"]
    assert (docs.outcome, docs.expected, docs.actual) == (FAIL, 453, 546)
    assert r6["years:2024-2025 row:rules"].outcome == PASS
    # Not consecutive: 2022 → 2024 is never compared.
    assert all("2022-" not in f.scope for f in check_cross_year([load(2022), load(2024), load(2025)]))


def test_r6_needs_v2021_in_both_years() -> None:
    assert check_r6(snapshot(2020, "v2019"), snapshot(2021)) == []
    r6 = check_r6(snapshot(2021), snapshot(2022, t2__rules__issued=None))
    assert {f.scope: f.outcome for f in r6}["years:2021-2022 row:rules"] == NOT_ASSESSABLE


def test_jump_threshold() -> None:
    assert is_jump(Decimal(40), Decimal(4500))
    assert is_jump(Decimal(4500), Decimal(40))  # either direction
    assert is_jump(Decimal(0), Decimal(150))
    assert not is_jump(Decimal(0), Decimal(3))  # absolute floor
    assert not is_jump(Decimal(12), Decimal(110))  # ×9
    assert not is_jump(Decimal(20), Decimal(119))  # change < 100
    jumps = {
        f.scope: f
        for f in check_jumps(
            snapshot(2022, t2__licensing__decisions=215), snapshot(2023, t2__licensing__decisions=21500)
        )
    }
    licensing = jumps["years:2022-2023 cell:t2.licensing.decisions"]
    assert (licensing.outcome, licensing.expected, licensing.actual) == (FAIL, 215, 21500)
    assert jumps["years:2022-2023 cell:t2.penalty.decisions"].outcome == PASS
    # v2019 行政事业性收费 counts fee items: no amount to compare across 2020 → 2021.
    mixed = check_jumps(snapshot(2020, "v2019"), snapshot(2021))
    assert "years:2020-2021 cell:t2.admin_fees.amount_wan_yuan" not in {f.scope for f in mixed}


def test_same_figures_only_flags_non_zero_repeats() -> None:
    assert check_same_figures(snapshot(2022), snapshot(2023))[0].outcome == FAIL
    zeros = {f"{k.replace('.', '__')}": 0 for k in consistent_v2021() if k.startswith(("t3.", "t4."))}
    assert check_same_figures(snapshot(2022, **zeros), snapshot(2023, **zeros))[0].outcome == PASS
    changed = snapshot(2023, t3__granted__total=9)
    assert check_same_figures(snapshot(2022), changed)[0].outcome == PASS


_OVERVIEW_2022 = (
    "2022年，我镇坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "围绕镇党委、镇政府中心工作，进一步加强政府信息公开平台建设，规范依申请公开办理流程，全年主动公开政府信息"
    "215条，及时更新机构职能、财政预决算、重大建设项目等重点领域信息，政务公开工作取得新成效。"
)


def test_copy_previous_year() -> None:
    copied = _OVERVIEW_2022.replace("2022", "2023").replace("215", "231")
    rewritten = (
        "2023年，镇政府把政务公开作为转变作风的抓手，新开设乡村振兴、疫情防控两个专栏，公开各类信息231条，"
        "组织村干部参加业务培训三次，对12个村的公开栏进行了统一更新，群众满意度明显提升，依申请渠道保持畅通。"
    )
    before = snapshot(2022, sections={"sec_overview": _OVERVIEW_2022, "sec_other": "无。"})
    findings = {
        f.scope: f
        for f in check_copy_previous_year(
            before, snapshot(2023, sections={"sec_overview": copied, "sec_other": "无。"})
        )
    }
    overview = findings["years:2022-2023 section:sec_overview"]
    assert overview.outcome == FAIL
    assert overview.actual is not None and overview.actual > 0.5
    assert findings["years:2022-2023 section:sec_other"].outcome == NOT_ASSESSABLE  # too short to say
    assert findings["years:2022-2023 section:sec_problems"].outcome == NOT_ASSESSABLE  # not found
    fresh = check_copy_previous_year(before, snapshot(2023, sections={"sec_overview": rewritten}))
    assert fresh[0].outcome == PASS


def test_cross_year_series_uses_consecutive_years_only() -> None:
    series = [snapshot(2021), snapshot(2023), snapshot(2022, t3__carried_over_in__total=5)]
    scopes = {f.scope.split()[0] for f in check_cross_year(series)}
    assert scopes == {"years:2021-2022", "years:2022-2023"}
    assert all(f.rule in ("R5", "R6", "JUMP", "SAME_FIGURES", "COPY_PREV_YEAR") for f in check_cross_year(series))
    assert K.JUMP_KEYS
