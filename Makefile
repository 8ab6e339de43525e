# The two commands of the README: `make run` and `make test`. Each sets up what
# it needs on a fresh machine first (a virtualenv; PostgreSQL for the tests).
VENV := .venv
PYTHON := $(VENV)/bin/python

.PHONY: run test lint demo

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(PYTHON) app.py

# The app against the tests' fake Spotify with made-up data: no Spotify app needed.
demo: $(VENV)/.installed
	$(PYTHON) scripts/demo

# Tests wait on processes, sockets and the fake Spotify far more than they compute:
# four workers keep two cores busy (each worker starts its own PostgreSQL cluster).
PYTEST_WORKERS ?= 4

test: $(VENV)/.installed
	./scripts/ensure-test-tools
	$(PYTHON) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PYTHON) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
