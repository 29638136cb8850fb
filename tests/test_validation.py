"""Notebook 05's validation: missing data named, not failed; the findings follow the table; the README table is generated."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import analysis as an
from conftest import PROJECT


def test_without_the_data_every_missing_folder_is_named_and_nothing_fails(tmp_path):
    table = an.validate_all(tmp_path / "nowhere")
    assert an.missing_data(table) == [str(tmp_path / "nowhere" / name) for name in
                                      ("vader_groundtruth", "sbd_golden_rules", "narrative_frames", "newsmtsc",
                                       "allsides_soleimani")]
    findings = an.validation_findings(table)
    assert "Not checked here" in findings and "narrative_frames" in findings
    # The speaker check ships with the project, so it is reported even without the data sets.
    assert set(table.loc[table["metric"] != "missing", "measure"]) == {"speaker groups (find_attributions)"}


def test_the_findings_say_which_measures_fall_short_of_their_reference():
    table = pd.DataFrame([
        dict(measure="m1", data="d", metric="AUC", value=0.6, low=0.5, high=0.7, reference="0.78", reference_value=0.78, n=10, note=""),
        dict(measure="m2", data="d", metric="r", value=0.5, low=0.45, high=0.55, reference="0.49", reference_value=0.49, n=10, note=""),
        dict(measure="m3", data="d", metric="recall", value=0.9, low=0.8, high=0.96, reference="0.95", reference_value=0.95, n=10, note=""),
    ])
    findings = an.validation_findings(table)
    assert "**m1, AUC:** 0.600 against 0.78 (below it, beyond the interval)." in findings
    assert "**m3, recall:** 0.900 against 0.95 (the interval reaches the reference)." in findings
    assert "**At or above the reference:** m2 (r, 0.500)." in findings
    assert "| m1 | d | AUC | 0.600 (0.50–0.70) | 0.78 | 10 |" in an.trust_table(table)


def test_nothing_is_saved_when_no_data_set_was_found(tmp_path):
    table = an.validate_all(tmp_path / "nowhere")
    assert an.save_validation(table[table["metric"] == "missing"], settings=an.Settings(corpus=tmp_path, out=tmp_path)) == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_validation_notebook_ends_cleanly_without_its_data(tmp_path):
    env = {**os.environ, "VALIDATION_DATA": str(tmp_path / "nowhere"), "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, "-m", "analysis", "run", "--only", "05", "--out", str(tmp_path / "out")],
                            cwd=PROJECT, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    saved = sorted(p.name for p in (tmp_path / "out").iterdir() if p.name not in ("reports", ".analysis.lock"))
    assert saved == []  # no figure, table or manifest: only the executed notebook in reports/


def test_the_readme_table_of_trust_is_the_one_the_committed_validation_gives():
    committed = pd.read_csv(PROJECT / "figures" / "05-validation.csv")
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert an.trust_table(committed) in readme, "re-run `make validate` and paste an.trust_table(...) into the README"
    assert np.isfinite(committed["value"]).all()
