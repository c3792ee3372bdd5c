# xxgk: `make run` builds the warehouse from data/raw; `make test` runs the suite. Both install first.
SHELL := /bin/bash
PYTHON ?= python3
UV := .tools/bin/uv
VENV := .venv
PORT ?= 3000

export DAGSTER_HOME := $(CURDIR)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: install run test test-scaleout ui lint bench bench-quick bench-real site browser-deps fuzz clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv>=0.13,<0.14"

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --python $(PYTHON)
	touch $@

install: $(VENV)/.installed

run: install
	$(VENV)/bin/xxgk build

test: install
	$(VENV)/bin/pytest

# The scale-out profile (docs/scaleout.md): starts redis-server, PostgreSQL, moto's S3 and two Celery workers on
# loopback, builds 500 synthetic reports both ways, compares the marts, stops everything it started.
test-scaleout: install
	$(VENV)/bin/pytest -m scaleout tests/scaleout

ui: install
	$(VENV)/bin/dagster dev -m pipelines.definitions -h 127.0.0.1 -p $(PORT)

lint: install
	$(VENV)/bin/ruff check pipelines tests bench deploy
	$(VENV)/bin/mypy

# Benchmarks on synthetic corpora (builds of 1,000, 10,000 and 100,000 reports): figures against the targets.
# The 100,000-report build takes most of the time (bench/README.md has measured times); `bench-quick` runs
# the same steps on 300 reports.
bench: install
	$(VENV)/bin/python bench/run_all.py --large

bench-quick: install
	$(VENV)/bin/python bench/run_all.py --quick

# Parse throughput per format on the real corpus in ../shared.
bench-real: install
	$(VENV)/bin/python bench/bench_parse.py

site: install
	$(VENV)/bin/python -m pipelines.site

# Debian's Chromium and CJK fonts, for the browser test of the site (skipped when Chromium is absent).
browser-deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null; \
	else echo "browser-deps: not root or no apt-get; the browser test will be skipped"; fi

# Fuzz every reader and parse_bytes for FUZZ_SECONDS (default 600); findings are written to fuzz-findings/.
FUZZ_SECONDS ?= 600
fuzz: install
	XXGK_FUZZ_SECONDS=$(FUZZ_SECONDS) XXGK_FUZZ_OUT=fuzz-findings $(VENV)/bin/pytest -q -s tests/test_fuzz_readers.py

clean:
	rm -rf data/lake data/warehouse data/site .dagster
