# Tavle — two commands on a fresh machine: `make run` and `make test`.
# Every target is idempotent: stamps skip work that is already done.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run test lint bench clean services

install: $(VENV)/.installed node_modules/.installed static/dist/.built

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

static/dist/.built: node_modules/.installed $(shell find static/src -type f 2>/dev/null) static/build.mjs
	node static/build.mjs
	touch $@

run: install
	@echo
	@echo "Tavle starts on http://$(HOST):$(PORT)  (Ctrl+C stops it; this terminal stays busy)."
	@echo "Run the next commands in a second terminal, in this folder:"
	@echo "    cd $(CURDIR) && . .venv/bin/activate"
	@echo "Data folder: $$($(PY) -c 'from server.config import Settings; print(Settings.from_env().data_dir)')"
	@echo
	$(VENV)/bin/tavle serve --host $(HOST) --port $(PORT)

services:
	bash scripts/services.sh

test: install services
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	bash scripts/run-tests.sh $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) node_modules static/dist
