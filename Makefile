PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

# The venv is rebuilt whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[demo,test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/opsdeck demo

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# BENCH_ARGS: e.g. "--soak-minutes 0" (no soak), "--runs 1"; see `python -m tests.bench.run --help`
bench: $(STAMP)
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
