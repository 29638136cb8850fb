"""Dates read as written: a numeric date whose day and month could swap (05/01/2020) is never read by guess."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import analysis as an
from analysis.__main__ import main
from analysis.cache import memo_key
from analysis.corpus.load import clean_records, read_records
from analysis.settings import configure, parse_dayfirst
from conftest import write_corpus

BODY = "The strike killed him. Officials said so."


def _corpus(tmp_path, dates: list[str], column: str = "date"):
    """A folder corpus with one article per date, in a.txt, b.txt, ..., each date in `column`."""
    names = [f"{chr(ord('a') + i)}.txt" for i in range(len(dates))]
    rows = "".join(f'{name},Outlet,"{date}"\n' for name, date in zip(names, dates))
    return write_corpus(tmp_path / "corpus", {name: BODY for name in names}, f"file,outlet,{column}\n{rows}")


def _dates(articles: pd.DataFrame) -> list:
    return [None if pd.isna(date) else date for date in articles["date"]]


def _load_quietly(path, **options) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error", an.CorpusWarning)  # these loads must not warn
        return an.load_articles(path, **options)


def test_ambiguous_dates_with_nothing_to_settle_the_order_are_an_error_naming_column_examples_and_option(tmp_path):
    folder = _corpus(tmp_path, ["05/01/2020", "06/02/2020", "2020-01-04"])
    with pytest.raises(an.CorpusError) as raised:
        an.load_articles(folder)
    message = str(raised.value)
    assert "metadata.csv: column 'date'" in message
    assert "'05/01/2020' (a.txt)" in message and "'06/02/2020' (b.txt)" in message
    assert "dayfirst=True" in message and "--dayfirst" in message and "--monthfirst" in message
    assert "ANALYSIS_DAYFIRST" in message
    assert "5 January 2020" in message and "1 May 2020" in message
    assert str(tmp_path) not in message  # the corpus is named, not the machine's folders


def test_the_error_names_a_mapped_table_field_by_its_own_name(tmp_path):
    path = tmp_path / "articles.csv"
    pd.DataFrame({"body": [BODY, BODY], "site": ["A", "B"], "published": ["05/01/2020", "07/03/2020"]}).to_csv(
        path, index=False)
    with pytest.raises(an.CorpusError, match=r"articles\.csv: column 'published' .*'05/01/2020' \(articles\.csv row 1\)"):
        an.load_articles(path, text="body", outlet="site", date="published")


def test_a_value_with_a_day_above_12_settles_day_first_for_every_row_in_one_warning(tmp_path):
    folder = _corpus(tmp_path, ["05/01/2020", "13/01/2020", "06/02/2020"])
    with pytest.warns(an.CorpusWarning) as said:
        articles = an.load_articles(folder)
    assert _dates(articles) == [pd.Timestamp("2020-01-05"), pd.Timestamp("2020-01-13"), pd.Timestamp("2020-02-06")]
    about_order = [str(w.message) for w in said if "day first or month first" in str(w.message)]
    assert len(about_order) == 1
    assert "column 'date'" in about_order[0] and "read day first" in about_order[0]
    assert "'13/01/2020' (b.txt)" in about_order[0] and "'05/01/2020' is 5 January 2020" in about_order[0]


def test_a_value_with_a_month_field_above_12_settles_month_first(tmp_path):
    folder = _corpus(tmp_path, ["05/01/2020", "01/13/2020"])
    with pytest.warns(an.CorpusWarning, match=r"read month first, as '01/13/2020' \(b\.txt\) can only be"):
        articles = an.load_articles(folder)
    assert _dates(articles) == [pd.Timestamp("2020-05-01"), pd.Timestamp("2020-01-13")]


def test_values_settling_both_orders_are_an_error_naming_one_of_each(tmp_path):
    folder = _corpus(tmp_path, ["05/01/2020", "13/01/2020", "01/14/2020"])
    with pytest.raises(an.CorpusError, match=r"column 'date' mixes day-first and month-first dates: '13/01/2020' "
                                             r"\(b\.txt\) can only be read day first, '01/14/2020' \(c\.txt\) only "
                                             r"month first"):
        an.load_articles(folder)


@pytest.mark.parametrize("dayfirst, expected", [
    (True, ["2020-01-05", "2020-02-06", "2020-12-11"]),
    (False, ["2020-05-01", "2020-06-02", "2020-11-12"]),
])
def test_dayfirst_reads_ambiguous_dates_in_the_order_given_without_a_word(tmp_path, dayfirst, expected):
    folder = _corpus(tmp_path, ["05/01/2020", "06/02/2020", "11/12/2020"])
    assert _dates(_load_quietly(folder, dayfirst=dayfirst)) == [pd.Timestamp(day) for day in expected]


def test_a_value_that_contradicts_the_order_given_becomes_nat_with_a_warning_naming_it(tmp_path):
    folder = _corpus(tmp_path, ["05/01/2020", "13/01/2020"])
    with pytest.warns(an.CorpusWarning, match=r"b\.txt: date '13/01/2020' cannot be read month first "
                                              r"\(dayfirst=False\); set to NaT"):
        articles = an.load_articles(folder, dayfirst=False)
    assert _dates(articles) == [pd.Timestamp("2020-05-01"), None]


def test_settled_day_first_dates_are_read_so_even_where_pandas_would_read_them_month_first(tmp_path):
    # pandas alone reads 05/01/2020 as 1 May and 13/01/2020 as 13 January: the bug this guards against.
    assert pd.Timestamp("05/01/2020") == pd.Timestamp("2020-05-01")
    folder = _corpus(tmp_path, ["05.01.2020", "13.01.2020", "5-1-20", "07/01/2020 10:30"])
    with pytest.warns(an.CorpusWarning, match="read day first"):
        articles = an.load_articles(folder)
    assert _dates(articles) == [pd.Timestamp("2020-01-05"), pd.Timestamp("2020-01-13"), pd.Timestamp("2020-01-05"),
                                pd.Timestamp("2020-01-07 10:30")]


@pytest.mark.parametrize("dayfirst", [None, True, False])
def test_iso_rfc_2822_and_written_month_dates_never_depend_on_the_order(tmp_path, dayfirst):
    written = ["2020-01-05", "2020-01-05T10:00:00+01:00", "2020-01-05 10:00:00", "Sun, 05 Jan 2020 10:00:00 +0000",
               "5 January 2020", "January 5, 2020", "Jan. 5, 2020", "2020/01/05", "05/05/2020"]
    expected = ["2020-01-05", "2020-01-05 09:00", "2020-01-05 10:00", "2020-01-05 10:00",
                "2020-01-05", "2020-01-05", "2020-01-05", "2020-01-05", "2020-05-05"]
    folder = _corpus(tmp_path, written)
    assert _dates(_load_quietly(folder, dayfirst=dayfirst)) == [pd.Timestamp(day) for day in expected]


def test_the_order_is_decided_over_the_whole_column_not_per_part(tmp_path):
    # process_corpus cleans the records in parts; the part without the settling value reads as the whole does.
    folder = _corpus(tmp_path, ["05/01/2020", "06/02/2020", "13/01/2020"])
    with pytest.warns(an.CorpusWarning, match="read day first"):
        records = read_records(folder, texts=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", an.CorpusWarning)
        first_two = clean_records(records.part([0, 1]), workers=1)
    assert _dates(first_two) == [pd.Timestamp("2020-01-05"), pd.Timestamp("2020-02-06")]


def test_dayfirst_is_part_of_the_memoised_loaders_key(tmp_path):
    from analysis.corpus.load import _read_corpus

    assert _read_corpus.__memoised__
    keys = {memo_key("analysis.corpus.load._read_corpus", {"source": "x", "rules": None, "dayfirst": value,
                                                           "columns": {}}) for value in (None, True, False)}
    assert len(keys) == 3
    folder = _corpus(tmp_path, ["05/01/2020", "06/02/2020"])
    # Same corpus, read both ways in one process (the second call must not be served the first's result).
    assert _dates(an.load_articles(folder, dayfirst=True))[0] == pd.Timestamp("2020-01-05")
    assert _dates(an.load_articles(folder, dayfirst=False))[0] == pd.Timestamp("2020-05-01")
    with pytest.raises(an.CorpusError, match="none that settles which"):
        an.load_articles(folder)


@pytest.mark.parametrize("value, expected", [("yes", True), ("True", True), ("dayfirst", True), ("1", True),
                                             ("no", False), ("monthfirst", False), ("0", False), ("", None),
                                             (None, None), (True, True)])
def test_analysis_dayfirst_reads_yes_or_no(value, expected):
    assert parse_dayfirst(value) is expected


def test_an_unclear_analysis_dayfirst_is_an_error_naming_it():
    with pytest.raises(ValueError, match=r"ANALYSIS_DAYFIRST='maybe': say yes"):
        parse_dayfirst("maybe")


def test_a_notebooks_settings_take_dayfirst_from_the_parameter_else_the_environment(tmp_path, monkeypatch):
    folder = _corpus(tmp_path, ["05/01/2020", "06/02/2020"])
    monkeypatch.setenv("ANALYSIS_DAYFIRST", "yes")
    settings = configure(corpus=folder, out=tmp_path / "out")
    assert settings.dayfirst is True
    assert _dates(settings.load()) == [pd.Timestamp("2020-01-05"), pd.Timestamp("2020-02-06")]
    assert configure(corpus=folder, out=tmp_path / "out", dayfirst=False).dayfirst is False
    monkeypatch.delenv("ANALYSIS_DAYFIRST")
    assert configure(corpus=folder, out=tmp_path / "out").dayfirst is None


@pytest.mark.parametrize("flag, expected", [("--dayfirst", "yes"), ("--monthfirst", "no")])
def test_the_command_line_passes_the_order_to_the_run_as_analysis_dayfirst(monkeypatch, flag, expected):
    seen = {}

    def run_all(**options):
        import os

        seen["env"] = os.environ.get("ANALYSIS_DAYFIRST")
        seen["settings"] = configure(corpus=options["corpus"]).dayfirst

    monkeypatch.delenv("ANALYSIS_DAYFIRST", raising=False)
    monkeypatch.setattr("analysis.__main__.run_all", run_all)
    assert main(["run", flag, "--only", "01"]) == 0
    assert seen == {"env": expected, "settings": expected == "yes"}
    import os

    assert "ANALYSIS_DAYFIRST" not in os.environ  # restored after the run


def test_dayfirst_and_monthfirst_cannot_be_given_together():
    with pytest.raises(SystemExit):
        main(["run", "--dayfirst", "--monthfirst"])
