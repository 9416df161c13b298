# Seawall: every set-up step lives here, so a fresh machine with python3, make and git needs nothing else.
# The bootstrap: a private venv holding a pinned uv, then `uv sync --frozen` from uv.lock into .venv.

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test lint typecheck contracts pytest bench bench-peers bench-tools browser sync clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --all-groups --python $(PYTHON)
	touch $@

sync: $(VENV)/.synced

demo: sync
	$(BIN)/seawall demo --simulate --serve

lint: sync
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: sync
	$(BIN)/mypy

contracts: sync
	$(BIN)/lint-imports

pytest: sync
	$(BIN)/pytest

# The browser tests drive Debian's Chromium through Playwright; no browser is ever downloaded.
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

test: browser lint typecheck contracts pytest

# The benchmarks' peers live in their own environment, never the package's.
.bench-peers/.installed: bench/peers-requirements.txt
	$(PYTHON) -m venv .bench-peers
	.bench-peers/bin/pip install --quiet --disable-pip-version-check -r bench/peers-requirements.txt
	touch $@

bench-peers: .bench-peers/.installed

# The API benchmark's load generator is wrk, from Debian's packages (a Python client would be
# slower than the server it measures).
bench-tools:
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)

bench: sync bench-peers bench-tools
	$(BIN)/seawall bench all

clean:
	rm -rf $(VENV) $(TOOLS) .bench-peers .mypy_cache .ruff_cache .pytest_cache
