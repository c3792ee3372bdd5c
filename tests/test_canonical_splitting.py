"""Run-together digits: the cut enumerator, and choosing between cuts with the table's own arithmetic.

The synthetic reports here are written the way the archive crawler flattens real pages (平潭 2019–2025): every
cell of a table run together on one line, labels glued to values. ``crawled_report`` builds one; the tests in
``test_canonical_labels`` use it too.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.canonical import numbers
from pipelines.canonical.extract import TableCells, extract_cells
from pipelines.canonical.splitting import (
    Segment,
    block_sums,
    blocks_identity,
    digit_segments,
    row_sum_identity,
    split_blocks_with_totals,
    split_segments,
    split_with_total,
)
from pipelines.documents.model import Row

# ---------------------------------------------------------------------------------------------------------
# A synthetic crawled report on the 2021 template.

T3_LABELS_V2021 = (
    ("new_received", "一、本年新收政府信息公开申请数量"),
    ("carried_over_in", "二、上年结转政府信息公开申请数量"),
    ("granted", "三、本年度办理结果（一）予以公开"),
    ("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied_state_secret", "（三）不予公开1.属于国家秘密"),
    ("denied_law_prohibited", "2.其他法律行政法规禁止公开"),
    ("denied_three_safeties_one_stability", "3.危及“三安全一稳定”"),
    ("denied_third_party_rights", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "5.属于三类内部事务信息"),
    ("denied_process_info", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "7.属于行政执法案卷"),
    ("denied_admin_inquiry", "8.属于行政查询事项"),
    ("unavailable_not_held", "（四）无法提供1.本机关不掌握相关政府信息"),
    ("unavailable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unavailable_unclear", "3.补正后申请内容仍不明确"),
    ("not_processed_petition", "（五）不予处理1.信访举报投诉类申请"),
    ("not_processed_duplicate", "2.重复申请"),
    ("not_processed_publication", "3.要求提供公开出版物"),
    ("not_processed_excessive", "4.无正当理由大量反复申请"),
    ("not_processed_confirm_reissue", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_no_correction", "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"),
    ("total_processed", "（七）总计"),
    ("carried_forward_out", "四、结转下年度继续办理"),
)

PREFACE = (
    "本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、"
    "行政诉讼情况、存在的主要问题及改进情况和其他需要报告的事项等六个部分。"
    "一、总体情况 全年共主动公开政府信息1200条，其中规范性文件类信息68条。"
)
T2_V2021 = (
    "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章{rules}"
    "行政规范性文件{docs}第二十条第（五）项信息内容本年处理决定数量行政许可{licensing}第二十条第（六）项"
    "信息内容本年处理决定数量行政处罚{penalty}行政强制{coercion}第二十条第（八）项信息内容本年收费金额"
    "（单位：万元）行政事业性收费{fees}"
)
T3_HEAD = (
    "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
)
T4_HEAD = (
    "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
)
TAIL = "五、存在的主要问题及改进情况 2025年将继续加强。六、其他需要报告的事项 无。"
ZEROS = "0000000"


def crawled_report(
    t3: dict[str, str] | None = None,
    t2: dict[str, str] | None = None,
    t4: str = "000000000000000",
    narrative: str = "",
) -> list[Row]:
    """One body line the way the crawler writes it; unspecified 表三 rows are seven zeros run together."""
    t2_values = {"rules": "000", "docs": "000", "licensing": "0", "penalty": "0", "coercion": "0", "fees": "0"}
    t2_values.update(t2 or {})
    rows = t3 or {}
    body = (
        PREFACE
        + narrative
        + T2_V2021.format(**t2_values)
        + T3_HEAD
        + "".join(label + rows.get(row, ZEROS) for row, label in T3_LABELS_V2021)
        + T4_HEAD
        + t4
        + TAIL
    )
    return [Row(("测试镇人民政府2025年政府信息公开工作年度报告",), "line 1"), Row((body,), "line 2")]


def values(tables: TableCells, row: str) -> list[int | float | None]:
    prefix = f"{row}." if row == "t4" else f"t3.{row}."
    return [cell.value for key, cell in tables.cells.items() if key.startswith(prefix)]


A = [1, 10, 0, 0, 0, 0, 11]  # "110000011" read one way …
B = [11, 0, 0, 0, 0, 0, 11]  # … and the other: both satisfy R3


# ---------------------------------------------------------------------------------------------------------
# The enumerator.


def test_r3_keeps_the_only_cut_that_adds_up() -> None:
    result = split_segments(digit_segments("21710000218"), 7, row_sum_identity)
    assert result.complete
    assert result.candidates == [tuple(Decimal(v) for v in (217, 1, 0, 0, 0, 0, 218))]


def test_no_part_has_a_leading_zero() -> None:
    cuts = split_segments(digit_segments("100153"), 3).candidates
    assert (Decimal(10), Decimal(0), Decimal(153)) in cuts
    assert all(not (str(v).startswith("0") and v != 0) for cut in cuts for v in cut if v is not None)
    assert len(cuts) == 4  # 10/0/153, 100/1/53, 100/15/3, 1001/5/3


def test_segments_kept_apart_by_the_source_stay_apart() -> None:
    cuts = split_segments(digit_segments("230", "000023"), 7, row_sum_identity).candidates
    assert cuts == [tuple(Decimal(v) for v in (23, 0, 0, 0, 0, 0, 23))]


def test_r3_can_leave_two_cuts() -> None:
    cuts = split_segments(digit_segments("110000011"), 7, row_sum_identity).candidates
    assert sorted(cuts) == sorted(tuple(Decimal(v) for v in row) for row in (A, B))


def test_t4_blocks_must_each_add_up() -> None:
    result = split_segments(digit_segments("21317000001324019"), 15, blocks_identity(5), block_sums(5))
    assert [int(v) for v in result.candidates[0] if v is not None] == [2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19]
    assert len(result.candidates) == 1


def test_sign_goes_to_the_first_part_and_only_where_allowed() -> None:
    segments = [Segment("396"), Segment("8181", negative=True)]
    allowed = split_segments(segments, 3, signed=frozenset({1})).candidates
    assert (Decimal(396), Decimal(-8), Decimal(181)) in allowed
    assert split_segments(segments, 3, signed=frozenset()).candidates == []


def test_fraction_and_unit_go_to_the_last_part() -> None:
    result = split_segments([Segment("13575394432", fraction=".52", unit="元")], 2, decimal=frozenset({1}))
    assert len(result.cuts) == 10
    reading = next(c for c in result.cuts if c.values[0] == 135)
    assert reading.values[1] == Decimal("75394432.52")
    assert reading.units == (None, "元")
    # a fraction may not land on a count column
    assert split_segments([Segment("13", fraction=".5")], 2, decimal=frozenset({0})).candidates == []


def test_placeholder_is_one_part_without_value() -> None:
    result = split_segments([Segment("12"), Segment("", placeholder=numbers.DASH)], 3)
    assert result.candidates == [(Decimal(1), Decimal(2), None)]
    assert result.cuts[0].statuses == (None, None, numbers.DASH)


def test_enumeration_reports_when_it_was_cut_off() -> None:
    result = split_segments(digit_segments("123456789123"), 4, limit=5)
    assert not result.complete
    assert len(result.cuts) == 5


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=300), min_size=6, max_size=6))
def test_the_true_row_is_always_among_the_candidates(applicants: list[int]) -> None:
    row = [*applicants, sum(applicants)]
    digits = "".join(str(v) for v in row)
    result = split_with_total(digit_segments(digits), 7)
    assert result.complete
    assert tuple(Decimal(v) for v in row) in result.candidates


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([0, 0, 1, 2, 5, 10, 11, 12, 20, 35]), min_size=6, max_size=6))
def test_total_first_search_equals_plain_enumeration(applicants: list[int]) -> None:
    digits = "".join(str(v) for v in [*applicants, sum(applicants)])
    fast = split_with_total(digit_segments(digits), 7)
    plain = split_segments(digit_segments(digits), 7, row_sum_identity)
    assert sorted(fast.candidates) == sorted(plain.candidates)


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.sampled_from([0, 0, 1, 2, 3, 10, 11, 25]), min_size=12, max_size=12),
    st.integers(min_value=0, max_value=14),
)
def test_block_search_equals_plain_enumeration(outcomes: list[int], space_after: int) -> None:
    row: list[int] = []
    for block in range(3):
        four = outcomes[block * 4 : block * 4 + 4]
        row += [*four, sum(four)]
    texts = [str(v) for v in row]
    runs = ["".join(texts[: space_after + 1]), "".join(texts[space_after + 1 :])]
    segments = digit_segments(*(r for r in runs if r))
    fast = split_blocks_with_totals(segments, 3, 5)
    plain = split_segments(segments, 15, blocks_identity(5), block_sums(5))
    assert sorted(fast.candidates) == sorted(plain.candidates)
    assert tuple(Decimal(v) for v in row) in fast.candidates


def test_long_t4_run_is_fast_and_exact() -> None:
    """A province-sized 表四 (淮安 2024: 复议 72/64/178/37/351 · 直接起诉 13/4/8/1/26 · 复议后 12/1/1/6/20)."""
    result = split_blocks_with_totals(digit_segments("72641783735113481261211620"), 3, 5)
    assert result.complete
    truth = tuple(Decimal(v) for v in (72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20))
    assert truth in result.candidates


# ---------------------------------------------------------------------------------------------------------
# The table as a whole: column rules R1 (new + carried in = total + carried out) and R2 (total = Σ outcomes).


def test_r2_picks_the_cut_of_an_ambiguous_outcome_row() -> None:
    tables = extract_cells(
        crawled_report(
            {
                "new_received": "1 10 0 0 0 0 11",
                "granted": "110000011",
                "total_processed": "1 10 0 0 0 0 11",
            }
        )
    )
    assert values(tables, "granted") == A
    note = tables.cells["t3.granted.natural_person"].note or ""
    assert "R1/R2" in note and "split from run-together digits '110000011'" in note


def test_r1_picks_the_cut_of_an_ambiguous_total() -> None:
    tables = extract_cells(
        crawled_report(
            {"new_received": "11 0 0 0 0 0 11", "granted": "11 0 0 0 0 0 11", "total_processed": "110000011"}
        )
    )
    assert values(tables, "total_processed") == B


def test_two_ambiguous_rows_are_solved_jointly() -> None:
    tables = extract_cells(
        crawled_report(
            {
                "new_received": "2 20 0 0 0 0 22",
                "granted": "110000011",
                "unavailable_not_held": "110000011",
                "total_processed": "2 20 0 0 0 0 22",
            }
        )
    )
    assert values(tables, "granted") == A
    assert values(tables, "unavailable_not_held") == A


def test_symmetric_table_stays_ambiguous_but_keeps_what_every_reading_agrees_on() -> None:
    tables = extract_cells(
        crawled_report(
            {
                "new_received": "12 10 0 0 0 0 22",
                "granted": "110000011",
                "unavailable_not_held": "110000011",
                "total_processed": "12 10 0 0 0 0 22",
            }
        )
    )
    granted = {key.rsplit(".", 1)[1]: cell for key, cell in tables.cells.items() if key.startswith("t3.granted.")}
    assert granted["natural_person"].status == numbers.AMBIGUOUS
    assert granted["natural_person"].value is None
    assert sorted(granted["natural_person"].candidates) == sorted([tuple(A), tuple(B)])
    # both readings print 0 for 科研机构 and 11 for 总计: those cells are settled
    assert (granted["org_research"].status, granted["org_research"].value) == (numbers.NUMBER, 0)
    assert (granted["total"].status, granted["total"].value) == (numbers.NUMBER, 11)
    assert any("t3.granted" in error for error in tables.errors)


def test_an_identity_the_report_itself_breaks_does_not_block_the_others() -> None:
    tables = extract_cells(
        crawled_report(
            {
                "new_received": "1 10 1 0 0 0 12",
                "granted": "110000011",
                "denied_state_secret": "0 0 1 0 0 0 1",  # 科研机构 1, but the total row says 0: R2 fails there
                "total_processed": "1 10 0 0 0 0 11",
            }
        )
    )
    assert values(tables, "granted") == A
    assert any("R2 org_research" in error for error in tables.errors)


def test_a_row_whose_own_total_is_wrong_is_read_by_the_column_rules() -> None:
    tables = extract_cells(
        crawled_report(
            {"new_received": "1 10 0 0 0 0 11", "granted": "110000012", "total_processed": "1 10 0 0 0 0 11"}
        )
    )
    assert values(tables, "granted") == [1, 10, 0, 0, 0, 0, 12]  # as printed, wrong sum kept
    assert "does not add up" in (tables.cells["t3.granted.total"].note or "") or "no cut makes" in (
        tables.cells["t3.granted.total"].note or ""
    )


def test_a_row_that_adds_up_nowhere_is_left_open_when_other_columns_break_too() -> None:
    tables = extract_cells(crawled_report({"denied_internal_affairs": "3200000032"}))  # one 0 too many
    cell = tables.cells["t3.denied_internal_affairs.natural_person"]
    assert (cell.status, cell.value) == (numbers.AMBIGUOUS, None)
    assert "no cut makes the row add up" in (cell.note or "")


def test_t4_ambiguity_is_settled_by_the_narrative() -> None:
    run = "001011213302800101"  # 0/0/10/11/21 · 3/3/0/2/8 · 0/0/1/0/1, or 0/0/1/0/1 · 12/13/3/0/28 · 0/0/1/0/1
    without = extract_cells(crawled_report(t4=run))
    assert without.cells["t4.review.total"].status == numbers.AMBIGUOUS
    assert without.cells["t4.suit_after_review.total"].value == 1  # the same in both readings
    told = extract_cells(crawled_report(t4=run, narrative="全年办理政府信息公开行政复议21件，行政诉讼9件。"))
    assert values(told, "t4") == [0, 0, 10, 11, 21, 3, 3, 0, 2, 8, 0, 0, 1, 0, 1]
    assert "narrative" in (told.cells["t4.review.total"].note or "")
