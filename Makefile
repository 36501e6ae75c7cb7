# netwerkdag: every target bootstraps what it needs on a machine with only Python >= 3.11 and make.
# uv is installed into .bootstrap/ (never globally); the project lives in .venv/.

PYTHON ?= python3
BOOTSTRAP := .bootstrap
UV := $(BOOTSTRAP)/bin/uv
VENV := .venv
# Use the machine's Python; never download an interpreter.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# The PostgreSQL the tests use where the machine runs one (they skip with the reason where it does not,
# and fail under CI). Override it in the environment.
export NETWERKDAG_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
# Where `make demo` keeps its SQLite database and secret key.
DEMO_DATA ?= netwerkdag-data

.PHONY: setup demo test lint typecheck unit bench clean browser

$(UV):
	$(PYTHON) -c 'import sys; sys.exit("netwerkdag needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(BOOTSTRAP)
	$(BOOTSTRAP)/bin/python -m pip install --quiet --disable-pip-version-check "uv>=0.4,<1"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	$(VENV)/bin/python -m netwerkdag.scheduling.kernel  # compile the annealing's steps once (numba's cache)
	touch $@

setup: $(VENV)/.synced browser

# The browser tests drive Debian's chromium. Installed when missing and we may (root with apt-get);
# otherwise those tests skip and say why (and fail under CI).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& echo "installing Debian's chromium for the browser tests" \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| echo "chromium is not installed: the browser tests will be skipped"

# The web app on the Haarlem example, served at http://127.0.0.1:8000 (Ctrl+C stops it).
demo: setup
	$(VENV)/bin/netwerkdag demo --data-dir $(DEMO_DATA)

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks tools
	$(VENV)/bin/ruff format --check src tests benchmarks tools

typecheck: setup
	$(VENV)/bin/mypy

unit: setup
	$(VENV)/bin/pytest -n 2 --dist loadgroup

test: lint typecheck unit

bench: setup
	$(VENV)/bin/python benchmarks/bench_core.py

clean:
	rm -rf $(BOOTSTRAP) $(VENV) out .pytest_cache .mypy_cache .ruff_cache $(DEMO_DATA)
