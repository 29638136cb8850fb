"""Shared fixtures, and the one marker for tests that need the ../shared folder."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

import analysis as an

# The tests keep their own cache (analysis/cache.py), never the user's, and start from an empty one.
os.environ["ANALYSIS_CACHE"] = tempfile.mkdtemp(prefix="analysis-test-cache-")
atexit.register(shutil.rmtree, os.environ["ANALYSIS_CACHE"], True)

PROJECT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT / "seeds"
SHARED = PROJECT.parent / "shared"


def pytest_collection_modifyitems(config, items):
    if SHARED.is_dir():
        return
    skip = pytest.mark.skip(reason=f"needs the folder {SHARED} (../shared: CI has it, a user's clone does not)")
    for item in items:
        if "needs_shared" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def articles() -> pd.DataFrame:
    return an.load_articles(SEEDS)


@pytest.fixture(scope="session")
def sentences(articles) -> pd.DataFrame:
    return an.split_sentences(articles)


@pytest.fixture(scope="session")
def boilerplate() -> dict:
    return json.loads((SHARED / "seeds" / "BOILERPLATE.json").read_text(encoding="utf-8"))


def write_corpus(folder: Path, files: dict[str, str | bytes], metadata: str) -> Path:
    """A small corpus folder: the given files plus metadata.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    (folder / "metadata.csv").write_text(metadata, encoding="utf-8")
    return folder


DESKS = {"000": "world", "001": "wire", "002": "world", "003": "politics", "004": "wire"}


@pytest.fixture(scope="session")
def desk_corpus(tmp_path_factory):
    """The seed texts under a metadata file with a column no code names: `desk`."""
    folder = tmp_path_factory.mktemp("desk")
    metadata = pd.read_csv(SEEDS / "metadata.csv", dtype=str, keep_default_na=False)
    for name in metadata["file"]:
        shutil.copy(SEEDS / name, folder / name)
    metadata = metadata[["file", "outlet", "country", "title", "date"]].assign(desk=[DESKS[f[:3]] for f in metadata["file"]])
    metadata.to_csv(folder / "metadata.csv", index=False)
    return folder
