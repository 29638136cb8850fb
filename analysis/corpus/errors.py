"""The package's one error type for bad input (corpora, lexicons, rules), and the warning category for
recoverable problems."""

from __future__ import annotations

import os
import stat

import pandas as pd


class CorpusError(ValueError):
    """A corpus, its metadata or one of its files, or a user's lexicon or rule file, cannot be read as asked;
    the message names the file and the row, column or value."""


class CorpusWarning(UserWarning):
    """Something in the corpus was read in a fallback way or left out; the message names the file."""


def read_user_csv(path, what: str) -> pd.DataFrame:
    """Read a user's lexicon or rule file as a table of strings (pandas DataFrame).

    A file pandas cannot parse (an unclosed quote, not UTF-8) or an empty one raises CorpusError naming the
    file, instead of pandas' own ParserError or EmptyDataError; so does a path that is not a regular file (a FIFO
    would wait forever for a writer, a device never ends), found before it is opened.
    """
    if isinstance(path, (str, os.PathLike)):  # (a missing file is pandas' FileNotFoundError, as a missing corpus)
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise CorpusError(f"{path}: the {what} file is not a regular file (a folder, FIFO or device); "
                              "give the path of a CSV file") from None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise CorpusError(f"{path}: the {what} file is empty; it needs a header row and a row per pattern") from None
    except (pd.errors.ParserError, UnicodeError) as error:
        reason = str(error).strip().splitlines()[-1]
        raise CorpusError(f"{path}: the {what} file cannot be read as CSV ({reason}); a pattern with a comma "
                          "or a quote must be in double quotes, with its own double quotes doubled") from None
