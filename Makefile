# The two commands of the README: `make run` and `make test`. Both install what they need.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast bench browser clean

install: $(STAMP)

# torch is pinned to the CPU wheel: a bare `torch` requirement pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[st,formats,test]'
	touch $(STAMP)

run: install
	$(BIN)/aligner run corpus --out out

# Debian's Chromium renders report.html in the browser tests; skipped with a reason where it cannot be installed.
browser:
	@{ command -v chromium && command -v chromedriver; } >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) ; } || \
	  echo "make: chromium not installed; browser tests will be skipped" >&2

test: install browser
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not browser"

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf out .pytest_cache build *.egg-info
