"""``xxgk show ISSUER``: one body's series, read from a real build of real report files.

The inbox is the seed report (德归镇 2023) and variants of it made by editing the text the way reports differ
in life: the same body's 2020 and 2022 reports (2021 missing: a coverage gap; 2022 with a 表三 total that
disagrees with its parts: an R1 FAIL), a republished 2023 version (two versions of one year), and a
neighbouring 德胜镇 whose name shares most characters (for the ambiguous lookup).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.show import Column, display_width, format_table, show_issuer, wrap
from tests.conftest import SEED

XXGK = str(Path(sys.executable).parent / "xxgk")
KEY = "iss-31340571ef3edd6f"  # 德归镇人民政府, placed in 河北省/廊坊市/文安县 (its issuer_id)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    return subprocess.run([XXGK, *args], capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of ``xxgk build`` over the seed and its variants."""
    root = tmp_path_factory.mktemp("show")
    raw = root / "raw"
    raw.mkdir()
    seed = SEED.read_text(encoding="utf-8")
    received = "一、本年新收政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0"
    assert received in seed and "行政许可\t215" in seed
    (raw / SEED.name).write_text(seed, encoding="utf-8")
    (raw / "德归镇人民政府_2023_重新发布.txt").write_text(
        seed.replace("展现政府机构权力配置情况", "展现政府机构权力配置情况。"), encoding="utf-8"
    )
    (raw / "德归镇人民政府_2022.txt").write_text(
        seed.replace("2023", "2022")
        .replace("行政许可\t215", "行政许可\t180")
        .replace(received, "一、本年新收政府信息公开申请数量\t\t3\t0\t0\t0\t0\t0\t3"),
        encoding="utf-8",
    )
    (raw / "德归镇人民政府_2020.txt").write_text(
        seed.replace("2023", "2020").replace("行政许可\t215", "行政许可\t96"), encoding="utf-8"
    )
    (raw / "德胜镇人民政府_2023.txt").write_text(seed.replace("德归镇", "德胜镇"), encoding="utf-8")
    out = root / "out"
    completed = run("build", "--raw", str(raw), "--out", str(out))
    assert completed.returncode == 0, completed.stderr[-3000:]
    return out


def database(out: Path) -> Path:
    return out / "warehouse" / "xxgk.duckdb"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``xxgk ARGS`` in this process (each console-script start costs seconds of imports): code, out, err."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("issuer", [KEY, "德归镇人民政府", "德归镇", "归镇人民"])
def test_every_way_of_naming_the_body_finds_it(built: Path, issuer: str) -> None:
    text = show_issuer(database(built), issuer)
    assert text.splitlines()[0] == f"德归镇人民政府  ({KEY})"


def test_summary_holds_identity_themes_quality_and_gaps(built: Path) -> None:
    completed = run("show", "德归镇", "--out", str(built))
    assert completed.returncode == 0, completed.stderr
    text = completed.stdout
    assert "township_gov" in text and "河北省/廊坊市/文安县/德归镇" in text and "131026111" in text
    assert "2020: 1  2022: 1  2023: 2" in text  # versions per year; the republished 2023 is a second version
    rows = {line.split()[0]: line.split() for line in text.splitlines() if line[:4].isdigit() and "v2021" in line}
    assert rows["2020"][2] == "96" and rows["2022"][2] == "180" and rows["2023"][2] == "215"  # 行政许可
    assert "表三" in text and "表四" in text and "Quality" in text
    fails = [line for line in text.splitlines() if line.startswith("  2022  R1 ")]
    assert len(fails) == 2 and all("新收 + 上年结转 vs 总计 + 结转下年度" in line for line in fails)
    assert "no report in the warehouse for 2021" in text
    assert "德胜镇" not in text


def test_output_fits_the_terminal(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for width in (120, 80):
        text = show_issuer(database(built), KEY, width=width)
        too_long = [line for line in text.splitlines() if display_width(line) > width]
        assert not too_long, too_long
    code, out, _ = cli(capsys, "show", KEY, "--out", str(built), "--width", "72")
    assert code == 0 and max(display_width(line) for line in out.splitlines()) <= 72


def test_ambiguous_name_lists_candidates_and_exits_2(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "show", "镇人民政府", "--out", str(built))
    assert code == 2
    assert "2 bodies" in err
    assert KEY in err and "德胜镇人民政府" in err
    assert out == ""


@pytest.mark.parametrize("issuer", ["北京市人民政府", "' or 1=1 --", "%", "  "])
def test_unknown_issuer_exits_2_with_a_message(built: Path, issuer: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "show", issuer, "--out", str(built))
    assert code == 2
    assert err.startswith("xxgk show: ") and out == ""


def test_show_opens_the_warehouse_read_only(built: Path) -> None:
    """A read-only connection held here would make a read-write open in another process fail."""
    with duckdb.connect(str(database(built)), read_only=True) as held:
        held.execute("select count(*) from reports").fetchall()
        completed = run("show", KEY, "--out", str(built))
    assert completed.returncode == 0, completed.stderr


def test_missing_warehouse_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "show", "德归镇", "--out", str(tmp_path))
    assert code == 2 and "no warehouse" in err


def test_display_width_counts_chinese_twice() -> None:
    assert display_width("行政许可") == 8
    assert display_width("R1 总计") == 7
    assert display_width("e\u0301") == 1  # a combining accent takes no column


def test_wrap_breaks_chinese_and_words_within_width_and_keeps_every_character() -> None:
    text = "prose '主动公开政府信息4970条' says 4970, the table has legacy.active.items_total = 72804"
    lines = wrap(text, 30)
    assert all(display_width(line) <= 30 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_wide_tables_are_split_repeating_the_first_column() -> None:
    columns = [Column(("year",), right=False)] + [Column(("行政许可", f"m{i}")) for i in range(12)]
    rows = [["2024", *(str(10**i) for i in range(12))]]
    lines = format_table(columns, rows, width=60)
    assert all(display_width(line) <= 60 for line in lines)
    assert sum(1 for line in lines if line.startswith("2024")) > 1
    assert all(str(10**i) in "\n".join(lines) for i in range(12))
