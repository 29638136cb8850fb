"""analysis.provenance: one list of libraries, one fingerprint of the code, one hasher, and the fingerprints built on it."""

from __future__ import annotations

import hashlib
import tomllib

import numpy as np
import pandas as pd
import pytest

import analysis.cache as cache
import analysis.provenance as provenance
from analysis.provenance import Unkeyable, column_types, fingerprint, row_hashes, table_fingerprint
from conftest import PROJECT


def test_the_versions_recorded_are_pythons_the_packages_and_every_declared_dependencys():
    declared = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert len(declared) == len(provenance.RUNTIME_DEPENDENCIES)
    assert set(provenance.library_versions()) == {"python", "analysis", *provenance.RUNTIME_DEPENDENCIES}


def test_the_cache_keys_on_the_same_code_fingerprint_versions_and_hasher():
    assert cache.code_fingerprint is provenance.code_fingerprint
    assert cache.library_versions is provenance.library_versions
    assert cache.fingerprint is provenance.fingerprint


@pytest.mark.parametrize("a, b", [
    (pd.DataFrame({"n": [1, 2]}), pd.DataFrame({"n": [1, 2]}, index=[5, 6])),  # the index
    (pd.DataFrame({"n": [1, 2]}), pd.DataFrame({"n": [1.0, 2.0]})),  # the dtype
    (pd.Series([1, None], dtype=object), pd.Series([1, np.nan], dtype=object)),  # None and NaN
    (pd.Series([1, 2], dtype=object), pd.Series([1.0, 2], dtype=object)),  # 1 and 1.0
    (pd.Series(pd.Categorical(["a", "b"], categories=["a", "b"])),
     pd.Series(pd.Categorical(["a", "b"], categories=["b", "a"]))),  # the categories' order
    ([1, 2], (1, 2)), ("1", 1), ({"a": 1}, {"a": 1.0}),
])
def test_the_fingerprint_tells_apart_values_that_differ_in_any_way(a, b):
    assert fingerprint(a) != fingerprint(b)


def test_equal_values_have_one_fingerprint():
    table = pd.DataFrame({"doc_id": ["a", "b"], "n": [1, 2]})
    assert fingerprint({"lexicon": table, "by": ["outlet"]}) == fingerprint({"by": ["outlet"], "lexicon": table.copy()})


def test_a_file_named_by_a_string_is_fingerprinted_by_its_content(tmp_path):
    path = tmp_path / "lexicon.csv"
    path.write_text("concept,pattern\nkill,killed\n", encoding="utf-8")
    before = fingerprint(str(path))
    path.write_text("concept,pattern\nkill,murdered\n", encoding="utf-8")
    assert fingerprint(str(path)) != before


def test_a_value_the_fingerprint_cannot_describe_exactly_is_refused():
    with pytest.raises(Unkeyable, match="object cannot be part of a fingerprint"):
        fingerprint({"option": object()})


def test_the_table_fingerprint_can_be_computed_part_by_part():
    table = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["x", "y", "z"]})
    parts = [table.iloc[:1], table.iloc[1:]]
    digest = hashlib.sha256(b"frame" + column_types(parts[0]).encode())
    for part in parts:
        digest.update(row_hashes(part).tobytes())
    assert digest.hexdigest() == table_fingerprint(table)
    assert table_fingerprint(table) != table_fingerprint(table.assign(text=["x", "y", "w"]))


def test_the_code_fingerprint_follows_the_package_version(monkeypatch):
    import analysis

    before = provenance.code_fingerprint()
    monkeypatch.setattr(analysis, "__version__", "99.0")
    provenance.code_fingerprint.cache_clear()
    try:
        assert provenance.code_fingerprint() != before
    finally:
        monkeypatch.undo()
        provenance.code_fingerprint.cache_clear()
    assert provenance.code_fingerprint() == before
