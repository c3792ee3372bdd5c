# xxgk: `make run` builds the warehouse from data/raw; `make test` runs the suite. Both install first.
SHELL := /bin/bash
PYTHON ?= python3
UV := .tools/bin/uv
VENV := .venv
PORT ?= 3000

export DAGSTER_HOME := $(CURDIR)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: install run test ui lint bench clean

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

ui: install
	$(VENV)/bin/dagster dev -m pipelines.definitions -h 127.0.0.1 -p $(PORT)

lint: install
	$(VENV)/bin/ruff check pipelines tests bench
	$(VENV)/bin/mypy

bench: install
	$(VENV)/bin/python bench/bench_parse.py

clean:
	rm -rf data/lake data/warehouse .dagster
