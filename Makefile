# pressbox — the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test lint typecheck secrets-scan bench soak-ci clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/pressbox --demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

secrets-scan: $(STAMP)
	$(BIN)/python scripts/secret-scan

test: lint typecheck secrets-scan
	$(BIN)/pytest --cov --cov-report=term --cov-fail-under=90

.PHONY: env-example
# .env.example is generated from the settings' docstrings in app/core/config.py.
env-example: $(STAMP)
	$(BIN)/python scripts/gen-env-example

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/idle.py

# The CI-sized soak: daemon + two desks for 10 minutes; fails if anything keeps growing.
soak-ci: $(STAMP)
	$(BIN)/python bench/soak.py --minutes 10

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .coverage
