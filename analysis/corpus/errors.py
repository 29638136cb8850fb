"""The package's one error type for bad corpora, and the warning category for recoverable problems."""


class CorpusError(ValueError):
    """A corpus, its metadata or one of its files cannot be read as asked; the message names it."""


class CorpusWarning(UserWarning):
    """Something in the corpus was read in a fallback way or left out; the message names the file."""
