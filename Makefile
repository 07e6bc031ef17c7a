# The project's one way to run things. `make demo` and `make test` work on a fresh machine with
# only Python 3.11+ and pip: they create .venv and install what they need.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-newsroom

.PHONY: install demo test bench lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files keep re-runs fast: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# `make install`, then `source .venv/bin/activate`, puts `kitchen` on the PATH (README, the tour).
install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/kitchen demo --dir $(DEMO_DIR)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

# ruff for style, import-linter for the layers and for import cycles (pyproject.toml), mypy for types
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check pipeline publishers tests bench tools
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff format pipeline publishers tests bench tools

clean:
	rm -rf $(VENV) $(DEMO_DIR) build dist .pytest_cache
