"""Shared fixtures: where the real-report corpus is, and a clean inbox/output pair per test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "data" / "raw" / "德归镇人民政府_2023.txt"


def corpus_path() -> Path:
    """The real reports: ``$XXGK_CORPUS`` if set, else ``../shared/corpus/real`` beside the checkout."""
    return Path(os.environ.get("XXGK_CORPUS", REPO.parent / "shared" / "corpus" / "real"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    path = corpus_path()
    if not path.is_dir():
        pytest.skip(f"real-report corpus not found at {path} (set XXGK_CORPUS to its folder)")
    return path


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """An inbox holding a copy of the seed report."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    return raw
