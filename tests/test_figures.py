"""save_figure: files, numbers, manifest and byte-identical re-runs."""

from __future__ import annotations

import hashlib
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import analysis as an  # noqa: E402
from conftest import SEEDS  # noqa: E402


@pytest.fixture
def out(tmp_path):
    an.configure(notebook="99-test", corpus=SEEDS, out=tmp_path / "figs")
    yield tmp_path / "figs"
    an.configure()


def _figure():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar(["a", "b"], [1, 2])
    return fig


def test_save_figure_writes_png_svg_csv_and_a_manifest_entry(out):
    data = pd.DataFrame({"group": ["a", "b"], "n": [1, 2]})
    paths = an.save_figure(_figure(), "99-test-bars", data=data, caption="Two bars.")
    assert [p.name for p in paths] == ["99-test-bars.png", "99-test-bars.svg", "99-test-bars.csv", "99-test-bars.parquet"]
    assert paths[0].read_bytes().startswith(b"\x89PNG")
    assert pd.read_csv(paths[2]).equals(data)
    entry = json.loads((out / "manifest.json").read_text())["99-test-bars"]
    assert entry["caption"] == "Two bars." and entry["notebook"] == "99-test"
    assert entry["files"]["99-test-bars.png"] == hashlib.sha256(paths[0].read_bytes()).hexdigest()
    assert entry["corpus"]["path"] == "seeds" and len(entry["corpus"]["fingerprint"]) == 64
    assert "boilerplate.csv" in entry["lexicons"]
    assert {"python", "pandas", "matplotlib", "nltk"} <= set(entry["versions"])


def test_saving_twice_gives_identical_bytes(out):
    first = [p.read_bytes() for p in an.save_figure(_figure(), "99-same", data=pd.DataFrame({"n": [1]}))]
    manifest = (out / "manifest.json").read_bytes()
    second = [p.read_bytes() for p in an.save_figure(_figure(), "99-same", data=pd.DataFrame({"n": [1]}))]
    assert first == second
    assert (out / "manifest.json").read_bytes() == manifest


def test_in_a_notebook_the_figure_shown_is_the_saved_png_at_the_figures_size(out, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(matplotlib, "get_backend", lambda: "module://matplotlib_inline.backend_inline")
    monkeypatch.setattr(IPython.display, "display", shown.append)
    fig = _figure()
    png = an.save_figure(fig, "99-shown")[0]
    assert len(shown) == 1 and shown[0].data == png.read_bytes()
    # 3 inches wide: 450 pixels in the 150 dpi file, shown 300 pixels wide as the inline figure (100 dpi) would be.
    assert int.from_bytes(shown[0].data[16:20], "big") == 450 and shown[0].width == 300
    # Closed, so the inline backend does not draw it again at the cell's end.
    assert not plt.fignum_exists(fig.number)


def test_outside_a_notebook_saving_shows_nothing_and_leaves_the_figure_open(out, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    fig = _figure()
    an.save_figure(fig, "99-kept")
    assert shown == [] and plt.fignum_exists(fig.number)
    plt.close(fig)


def test_the_output_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_OUT", str(tmp_path / "elsewhere"))
    an.configure()
    try:
        paths = an.save_figure(_figure(), "99-env")
    finally:
        monkeypatch.delenv("ANALYSIS_OUT")
        an.configure()
    assert paths[0].parent == tmp_path / "elsewhere"


def test_a_figure_name_with_a_path_is_refused(out):
    with pytest.raises(ValueError, match="name"):
        an.save_figure(_figure(), "../escape")


def test_the_corpus_fingerprint_follows_an_edit_in_a_live_session(tmp_path):
    from analysis.provenance import corpus_fingerprint

    (tmp_path / "metadata.csv").write_text("file,outlet\na.txt,X\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    before = corpus_fingerprint(tmp_path)
    (tmp_path / "a.txt").write_text("two", encoding="utf-8")  # same size, same path: no cache may hide it
    assert corpus_fingerprint(tmp_path) != before


def test_the_corpus_fingerprint_depends_on_content_not_on_where_the_corpus_lies(tmp_path):
    from analysis.provenance import corpus_fingerprint

    for folder in ("here", "there"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "metadata.csv").write_text("file,outlet\na.txt,X\n", encoding="utf-8")
        (tmp_path / folder / "a.txt").write_text("same text", encoding="utf-8")
    assert corpus_fingerprint(tmp_path / "here") == corpus_fingerprint(tmp_path / "there")
    (tmp_path / "there" / "metadata.csv").write_text("file,outlet\na.txt,X\nb.txt,Y\n", encoding="utf-8")
    (tmp_path / "there" / "b.txt").write_text("more", encoding="utf-8")
    assert corpus_fingerprint(tmp_path / "here") != corpus_fingerprint(tmp_path / "there")
