# Two commands on a fresh clone: `make figures` and `make test`.
# Both create .venv from requirements.txt when it is missing or out of date.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: figures test quick fuzz validate benchmark mutations clean-venv

$(STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

figures: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m analysis run

# Agreement of every measure with public human judgement (notebook 05; reads ../shared/data or $VALIDATION_DATA).
validate: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m analysis run --only 05

# On both cores (pytest-xdist); the tests that share a notebook run stay on one worker (tests/conftest.py).
# PYTHONDONTWRITEBYTECODE emptied: where the environment sets it (this machine's does), each of the suite's
# kernels and commands compiles the package again (0.12 of the 0.25 CPU-seconds its import takes) and each worker
# rewrites every test module (3 CPU-seconds).
test: $(STAMP)
	PYTHONDONTWRITEBYTECODE= MPLBACKEND=Agg $(BIN)/python -m pytest -n auto

# While you work: every test but the slow ones (those that run notebooks, or repeat a check hundreds of times).
quick: $(STAMP)
	PYTHONDONTWRITEBYTECODE= MPLBACKEND=Agg $(BIN)/python -m pytest -n auto -m "not slow"

# The property tests with a longer profile: 2,000 examples each instead of make test's few hundred; the hostile
# corpus (tests/hostile.py) in four arrangements instead of one; the fault and cache-damage cases.
FUZZ_TESTS := $(wildcard tests/test_fuzz_loader.py tests/test_user_files.py tests/test_properties.py \
	tests/test_hostile_corpus.py tests/test_escaping.py tests/test_corpus_boundary.py tests/test_faults.py \
	tests/test_cache_integrity.py)

fuzz: $(STAMP)
	FUZZ_EXAMPLES=2000 HOSTILE_SEEDS=0,1,2,3 MPLBACKEND=Agg $(BIN)/python -m pytest -q -n auto $(FUZZ_TESTS)

benchmark: $(STAMP)
	$(BIN)/python benchmarks/segmentation.py
	$(BIN)/python benchmarks/matching.py
	$(BIN)/python benchmarks/sentiment.py

# Change one comparison or constant in each measure, run the unit tests, revert: how many do they catch?
mutations: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python tools/mutation_probe.py

clean-venv:
	rm -rf $(VENV)
