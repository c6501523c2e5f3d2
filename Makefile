# glassgrad: `make demo` (the main job) and `make test` (everything) do all set-up.
# Both create .venv and reinstall whenever pyproject.toml changes.
# Another Python in its own venv: `make pytest PYTHON=python3.12 VENV=.venv-3.12`.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_OUT ?= demo-out
DOCS_OUT ?= docs/api
# The notebooks pytest executes; `NOTEBOOKS=` runs the suite without them.
NOTEBOOKS ?= $(wildcard notebooks/*.ipynb)

.PHONY: demo test lint typecheck pytest docs dist smoke bench notebooks strip-notebooks clean

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
	$(BIN)/ruff check autograd nn tests benchmarks scripts docs
	$(BIN)/ruff format --check autograd nn tests benchmarks scripts docs

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# The tests, the docstrings' examples (--doctest-modules, set in pyproject.toml) and the notebooks.
pytest: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q tests autograd nn $(if $(NOTEBOOKS),$(NOTEBOOKS) --nbmake)

test: lint typecheck pytest

# The API reference, from the docstrings; any pdoc warning or unresolved cross-reference fails.
docs: $(VENV)/.installed-dev
	$(BIN)/python docs/build.py --out $(DOCS_OUT)

# The sdist and the wheel, built as PyPI users get them (isolated build), then checked.
dist: $(VENV)/.installed-dev
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

# The wheel installed into a fresh venv outside this tree, then the demo and a smoke script.
smoke: dist
	bash .ci/smoke-wheel $(PYTHON) dist/*.whl

bench: $(VENV)/.installed-dev
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; echo; done

notebooks: $(VENV)/.installed-dev
	$(BIN)/jupyter lab notebooks

# The suite executes the notebooks, so their outputs are never committed.
strip-notebooks: $(VENV)/.installed-dev
	$(BIN)/nbstripout notebooks/*.ipynb

clean:
	rm -rf $(VENV) .venv-* $(DEMO_OUT) $(DOCS_OUT) dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
