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

# Workers: the suite waits on its servers and on real terminals about half the time, so 4
# workers beat 2 on a 2-core machine (measured). Each has its own embedded AWS.
# loadgroup hands out one test at a time, in collection order (tests marked `long` first),
# and keeps a module with a module-scoped fixture on one worker (tests/conftest.py).
# `make test WORKERS=0` runs serially.
# Bytecode is cached even where PYTHONDONTWRITEBYTECODE is set (this machine sets it): otherwise
# every worker rewrites the asserts of every test module (8 s of CPU each) and every process
# the suite starts (embedded servers, `opsdeck demo` in a terminal) compiles its modules again.
WORKERS ?= 4

test: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n $(WORKERS) --dist loadgroup --no-loadscope-reorder $(PYTEST_ARGS)

# BENCH_ARGS: e.g. "--soak-minutes 0" (no soak), "--runs 1"; see `python -m tests.bench.run --help`
# The bench extra (awslogs, the peer of the logs figures) goes into the same venv, for the bench
# only; where it cannot be installed the bench still runs and reports the peer "not measured".
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[demo,test,bench]' && touch $(BENCH_STAMP) \
		|| echo "make bench: the bench extra (awslogs) did not install; the logs figures report it not measured"

bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
