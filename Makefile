# netwerkdag: every target bootstraps what it needs on a machine with only Python >= 3.11 and make.
# uv is installed into .bootstrap/ (never globally); the project lives in .venv/.

PYTHON ?= python3
BOOTSTRAP := .bootstrap
UV := $(BOOTSTRAP)/bin/uv
VENV := .venv
# Use the machine's Python; never download an interpreter.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup demo test lint typecheck unit bench clean

$(UV):
	$(PYTHON) -c 'import sys; sys.exit("netwerkdag needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(BOOTSTRAP)
	$(BOOTSTRAP)/bin/python -m pip install --quiet --disable-pip-version-check "uv>=0.4,<1"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	$(VENV)/bin/python -m netwerkdag.scheduling.kernel  # compile the annealing's steps once (numba's cache)
	touch $@

setup: $(VENV)/.synced

demo: setup
	$(VENV)/bin/netwerkdag validate examples/g40-haarlem-2023
	$(VENV)/bin/netwerkdag render examples/g40-haarlem-2023 --out out

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks tools
	$(VENV)/bin/ruff format --check src tests benchmarks tools

typecheck: setup
	$(VENV)/bin/mypy

unit: setup
	$(VENV)/bin/pytest -n 2

test: lint typecheck unit

bench: setup
	$(VENV)/bin/python benchmarks/bench_core.py

clean:
	rm -rf $(BOOTSTRAP) $(VENV) out .pytest_cache .mypy_cache .ruff_cache
