# The two commands of the README: `make up` (run the service) and `make test` (run the tests).
# Both create ./.venv and install wirewatch into it first; only Python 3.11+ is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install up test lint bench clean

$(BIN)/wirewatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/wirewatch

up: install
	$(BIN)/wirewatch up

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/speed.py

clean:
	rm -rf $(VENV) .wirewatch
