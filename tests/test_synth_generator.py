"""The synthetic corpus generator: deterministic, labelled synthetic, faithful to render.py, consistent values.

The end-to-end measure (parse and build a corpus, compare with its ground truth) is in
``test_synth_accuracy.py``; these are the generator's own properties, each checked directly.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.canonical.registry import keys_for
from pipelines.identity.issuers import identify_issuer
from pipelines.synth import defects as D
from pipelines.synth import keys as K
from pipelines.synth.generator import (
    generate,
    parse_formats,
    parse_years,
    plan_corpus,
    publication_dates,
)
from pipelines.synth.keys import APPLICANTS
from pipelines.synth.layouts import ISSUER_SENTINEL, LAYOUTS, fill, sentinel_cells, skeleton
from pipelines.synth.prose import SLOTS, compose, problems_paragraph
from pipelines.synth.render import LAYOUTS as RENDERERS
from pipelines.synth.render import SYNTHETIC_MARK, build_report, render_docx
from pipelines.synth.roster import sample_roster
from pipelines.synth.values import advance, new_state, yearly_cells
from pipelines.validation.cross_year import is_jump
from pipelines.validation.similarity import PEER_THRESHOLD, PREVIOUS_YEAR_THRESHOLD, similarity


def test_arguments_are_read_and_checked() -> None:
    assert parse_years("2019-2021,2023") == (2019, 2020, 2021, 2023)
    assert parse_formats("tab, runtogether,tab") == ("tab", "runtogether")
    with pytest.raises(ValueError, match="2019"):
        parse_years("2017-2020")
    with pytest.raises(ValueError, match="unknown"):
        parse_formats("pdf")


def test_same_seed_same_bytes_whatever_the_workers(tmp_path: Path) -> None:
    """Determinism: one process and two processes write identical files (Word archives included)."""
    first = generate(tmp_path / "a", 70, "2019-2025", "tab,runtogether,md,mdhtml,html,docx", 0.3, 7, workers=1)
    second = generate(tmp_path / "b", 70, "2019-2025", "tab,runtogether,md,mdhtml,html,docx", 0.3, 7, workers=2)
    assert second.workers == 2 and first.reports == second.reports > 400
    for path in sorted((tmp_path / "a").rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes(), path
    other = generate(tmp_path / "c", 70, "2019-2025", "tab", 0.3, 8, workers=1)
    assert {p.name for p in other.inbox.iterdir()} != {p.name for p in first.inbox.iterdir()}


def test_everything_is_labelled_synthetic(tmp_path: Path) -> None:
    summary = generate(tmp_path / "corpus", 12, "2020-2022", "tab,runtogether,md,html,docx", 0.2, 1)
    manifest = json.loads(summary.manifest.read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True and "SYNTHETIC" in manifest["note"]
    assert manifest["reports"] == summary.reports == len(list(summary.inbox.iterdir()))
    rows = list(csv.DictReader((tmp_path / "corpus" / "MANIFEST.reports.csv").open(encoding="utf-8")))
    assert len(rows) == summary.reports
    for path in summary.inbox.iterdir():
        assert path.name.startswith("SYNTH_")
        data = path.read_bytes()
        if path.suffix == ".docx":
            archive = zipfile.ZipFile(io.BytesIO(data))
            assert SYNTHETIC_MARK in archive.read("word/document.xml").decode()
            assert "synthetic" in archive.read("docProps/core.xml").decode()
        else:
            assert SYNTHETIC_MARK in data.decode("utf-8")[:2000]
        truth = json.loads((summary.expected_dir / (path.stem + ".expected.json")).read_text(encoding="utf-8"))
        assert truth["source"] == path.name and truth["synthetic"]["generator"] == "pipelines.synth.generator"
        assert "synthetic" in truth["notes"][0]
        assert set(truth["cells"]) == set(keys_for(truth["template"]))
        assert isinstance(truth["planted_defects"], list)


def test_a_corpus_is_never_written_over_another(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate(tmp_path, 3, "2023", "tab", 0.0, 0)


def test_issuers_sit_in_the_division_list_and_identity_places_them() -> None:
    """Every name resolves to the division and admin level the roster says (townships with their county)."""
    roster = sample_roster(400, random.Random(11))
    assert len({issuer.name for issuer in roster}) == 400
    levels = {issuer.level for issuer in roster}
    assert {"township_gov", "subdistrict", "county_gov", "county_dept", "prefecture_gov", "prefecture_dept"} <= levels
    assert {"provincial_gov", "provincial_dept"} <= levels
    for issuer in roster:
        found = identify_issuer(issuer.name, [issuer.name])
        assert (found.region.code, found.admin_level) == (issuer.region_code, issuer.level), issuer.name
    clusters: dict[str, int] = {}
    for issuer in roster:
        clusters[issuer.cluster] = clusters.get(issuer.cluster, 0) + 1
    assert max(clusters.values()) >= 4  # neighbours share a county


def test_values_are_consistent_within_and_across_years() -> None:
    """R1–R4 in every report; R5 and R6 across years; v2019 R7; long tails and mostly zeros."""
    roster = sample_roster(150, random.Random(3))
    zeros = total = 0
    biggest_penalty = 0
    for issuer in roster:
        rng = random.Random(issuer.index)
        state = new_state(issuer, rng)
        previous: dict[str, int | float | None] | None = None
        for year in range(2019, 2026):
            template = "v2019" if year < 2021 else "v2021"
            cells = yearly_cells(template, state, rng)
            values = {k: int(v or 0) for k, v in cells.items() if k not in K.MONEY_KEYS}
            for c in K.T3_COLUMNS:
                new, carried = values[K.t3("new_received", c)], values[K.t3("carried_over_in", c)]
                processed, out = values[K.t3("total_processed", c)], values[K.t3("carried_forward_out", c)]
                assert new + carried == processed + out  # R1
                parts = sum(values[K.t3(r, c)] for r in K.result_rows(template))
                assert parts == processed  # R2
            for row in K.t3_rows(template):
                assert values[K.t3(row, "total")] == sum(values[K.t3(row, c)] for c in APPLICANTS)  # R3
            for block in K.T4_BLOCKS:
                assert values[K.t4(block, "total")] == sum(values[K.t4(block, p)] for p in K.T4_PARTS)  # R4
            assert all(v >= 0 for k, v in values.items() if not k.endswith("items_change"))  # R8
            if template == "v2019":
                for row in K.V2019_PUBLISHED_ROWS:
                    assert values[f"t2.{row}.new_published"] <= values[f"t2.{row}.total_published"]
                for row in K.V2019_ITEM_ROWS:
                    assert values[f"t2.{row}.items_prev_year"] + values[f"t2.{row}.items_change"] >= 0
            if previous is not None:
                for c in K.T3_COLUMNS:  # R5
                    assert cells[K.t3("carried_over_in", c)] == previous[K.t3("carried_forward_out", c)]
                if template == "v2021" and "t2.rules.in_force" in previous:  # R6
                    for row in K.STOCK_ROWS:
                        before = int(previous[f"t2.{row}.in_force"] or 0)
                        issued, repealed = values[f"t2.{row}.issued"], values[f"t2.{row}.repealed"]
                        assert values[f"t2.{row}.in_force"] == before + issued - repealed
            zeros += sum(1 for v in values.values() if v == 0)
            total += len(values)
            biggest_penalty = max(biggest_penalty, values["t2.penalty.decisions"])
            advance(state, year, template, cells)
            previous = cells
    assert zeros / total > 0.8  # mostly zeros
    assert biggest_penalty > 2000  # and a long tail


def test_prose_never_looks_copied_unless_planted() -> None:
    """Consecutive years of a body stay under the 50 % 内容雷同 threshold, bodies of a year under 80 %."""
    roster = [i for i in sample_roster(300, random.Random(5)) if i.level in ("township_gov", "subdistrict")]
    by_year: dict[int, list[str]] = {2022: [], 2023: []}
    for issuer in roster:
        texts = [problems_paragraph(issuer, year, f"s:{issuer.index}") for year in (2022, 2023)]
        assert similarity(*texts) <= PREVIOUS_YEAR_THRESHOLD, issuer.name
        by_year[2022].append(texts[0])
        by_year[2023].append(texts[1])
    for texts in by_year.values():
        worst = max(similarity(a, b) for i, a in enumerate(texts[:80]) for b in texts[i + 1 : 80])
        assert worst < PEER_THRESHOLD


def test_prose_quotes_the_printed_tables() -> None:
    issuer = sample_roster(30, random.Random(2))[0]
    state = new_state(issuer, random.Random(1))
    state.profile = state.profile.__class__(**{**state.profile.__dict__, "requests": 40.0})
    cells = yearly_cells("v2021", state, random.Random(2))
    prose = compose(issuer, 2023, "v2021", cells, "seed", signed=date(2024, 1, 10))
    text = prose.paragraphs["requests"][0]
    assert f"收到政府信息公开申请{cells['t3.new_received.total']}件" in text
    assert prose.quotes["t3.new_received.total"] == cells["t3.new_received.total"]
    wrong = compose(issuer, 2023, "v2021", cells, "seed", signed=date(2024, 1, 10), stated={"t3.granted.total": 9999})
    assert "予以公开9999件" in wrong.paragraphs["requests"][0]
    assert set(prose.paragraphs) == set(SLOTS)
    assert prose.paragraphs["other"][1:] == (issuer.name, "2024年1月10日")


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_skeletons_reproduce_render_py_exactly(layout: str) -> None:
    """Filled with render.py's own stock prose and values, a skeleton gives render.py's output.

    The only differences are deliberate: the publication date slot (a crawler header or an HTML info line)
    and, for Word, the archive (fixed timestamps): the XML parts are compared.
    """
    rng = random.Random(layout)
    for template, year in (("v2021", 2023), ("v2019", 2020)):
        cells: dict[str, int | float | None] = {key: rng.choice((0, 0, 3, 17, 2048)) for key in keys_for(template)}
        cells["t2.central_procurement.amount" if template == "v2019" else "t2.admin_fees.amount_wan_yuan"] = 12.5
        if layout != "runtogether":
            cells[K.t3("granted", "org_research")] = None
        issuer = "文安县德归镇人民政府"
        stock = _stock(issuer, year, template, cells)
        ours = fill(layout, template, year, issuer, cells, stock, f"{year + 1}-01-20 09:00")
        render_name = LAYOUTS[layout][0]
        if layout == "docx":
            theirs = zipfile.ZipFile(io.BytesIO(render_docx(issuer, year, template, cells)))
            mine = zipfile.ZipFile(io.BytesIO(ours))
            assert mine.namelist() == theirs.namelist()
            for name in theirs.namelist():
                assert mine.read(name) == theirs.read(name), name
            continue
        renderer = RENDERERS[render_name][0]
        expected = renderer(issuer, year, template, cells)
        assert isinstance(expected, str)
        text = ours.decode("utf-8")
        if layout == "html":
            text = re.sub(r'<div class="info">发布时间：[^<]*</div>\n', "", text)
        assert text == expected


def _stock(issuer: str, year: int, template: str, cells: dict[str, int | float | None]) -> dict[str, tuple[str, ...]]:
    """render.py's own paragraphs, by slot (what a skeleton's paragraph slots replaced)."""
    order = iter(SLOTS)
    found: dict[str, tuple[str, ...]] = {}
    for block in build_report(issuer, year, template, cells):
        if block.kind == "paragraph" and block.text != SYNTHETIC_MARK:
            found[next(order)] = (block.text,)
    return found


def test_skeleton_checks_every_slot_once() -> None:
    cut = skeleton("tab", "v2021", 2024)
    cells = [slot.name for slot in cut.slots if slot.kind == "cell"]
    assert sorted(cells) == sorted(keys_for("v2021"))
    assert ISSUER_SENTINEL not in "".join(cut.pieces)
    assert all(str(v) not in "".join(cut.pieces) for v in sentinel_cells("v2021").values())


def test_publication_dates_follow_the_deadlines() -> None:
    roster = sample_roster(200, random.Random(9))
    rng = random.Random(0)
    for issuer in roster:
        published, signed, header = publication_dates(issuer, 2023, late=False, rng=rng)
        limit = date(2024, 1, 31) if issuer.level.endswith("_dept") else date(2024, 3, 31)
        assert date(2024, 1, 2) <= signed <= published <= limit
        assert header.startswith(published.isoformat())
        late, _signed, _ = publication_dates(issuer, 2023, late=True, rng=rng)
        assert late > limit


def test_the_plan_covers_every_defect_kind_and_pairs_copies_within_a_county() -> None:
    roster = sample_roster(60, random.Random("0:roster"))
    plans = plan_corpus(roster, range(2019, 2026), ("tab", "html"), 0.5, 0)
    planned = [plan for by_year in plans.values() for plan in by_year.values()]
    kinds = {plan.kind for plan in planned if plan.kind}
    assert kinds == set(D.PLANTABLE) - {"copy_peer"}
    by_index = {issuer.index: issuer for issuer in roster}
    copies = [(index, plan) for index, by_year in plans.items() for plan in by_year.values() if plan.copy_from]
    assert copies
    for index, plan in copies:
        assert plan.copy_from is not None and plan.copy_from.cluster == by_index[index].cluster
        source_plan = plans[plan.copy_from.index][plan.year]
        assert source_plan.copied_by_file is not None
        assert f"SYNTH_{by_index[index].index:05d}_" in source_plan.copied_by_file


def test_planted_jumps_are_unmistakable_and_never_jump_back(tmp_path: Path) -> None:
    """Every planted jump is ≥ ×10 and ≥ 100 from the year before; later years (printed alike) are not."""
    summary = generate(tmp_path / "jumps", 400, "2019-2025", "tab", 0.6, 4)
    truths = {}
    for path in summary.expected_dir.iterdir():
        truth = json.loads(path.read_text(encoding="utf-8"))
        truths[(truth["synthetic"]["issuer_index"], truth["year"])] = truth
    jumps = 0
    for (body, year), truth in truths.items():
        for defect in truth["planted_defects"]:
            if defect["kind"] != "jump":
                continue
            jumps += 1
            key = defect["cells"][0]
            before, after = truths[(body, year - 1)]["cells"][key], truth["cells"][key]
            assert is_jump(Decimal(str(before)), Decimal(str(after))), (truth["source"], before, after)
            later = year + 1
            while (body, later) in truths and key in truths[(body, later)]["cells"]:
                previous = truths[(body, later - 1)]["cells"][key]
                value = truths[(body, later)]["cells"][key]
                assert not is_jump(Decimal(str(previous)), Decimal(str(value))), (body, later, previous, value)
                later += 1
    assert jumps >= 5


def test_text_corpus_generation_is_fast(tmp_path: Path) -> None:
    """Speed floor (the benchmark measures 100,000): well over 100 text reports a second on this machine."""
    summary = generate(tmp_path / "fast", 300, "2019-2025", "tab,runtogether", 0.1, 2)
    assert summary.reports > 1900
    assert summary.reports / summary.seconds > 100, summary.describe()
