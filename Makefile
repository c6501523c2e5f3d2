# glassgrad: `make demo` (the main job) and `make test` (everything) do all set-up.
# Both create .venv and reinstall whenever pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_OUT ?= demo-out

.PHONY: demo test lint typecheck pytest bench notebooks strip-notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip

# One stamp per set of extras: a newer pyproject.toml makes it stale.
$(VENV)/.installed-plots: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -qq -e '.[plots]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -qq -e '.[dev,notebooks]'
	touch $@

demo: $(VENV)/.installed-plots
	$(BIN)/python -m nn --out $(DEMO_OUT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check autograd nn tests benchmarks scripts
	$(BIN)/ruff format --check autograd nn tests benchmarks scripts

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q tests $(wildcard notebooks/*.ipynb) --nbmake

test: lint typecheck pytest

bench: $(VENV)/.installed-dev
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; echo; done

notebooks: $(VENV)/.installed-dev
	$(BIN)/jupyter lab notebooks

# The suite executes the notebooks, so their outputs are never committed.
strip-notebooks: $(VENV)/.installed-dev
	$(BIN)/nbstripout notebooks/*.ipynb

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
