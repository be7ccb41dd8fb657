# The commands of the README: `make run`, `make demo` and `make test`. Both create .venv and
# install into it, and build the explorer page with npm; nothing else needs to be on the
# machine but Python 3.11+ and Node.js 20+. `make test` also installs Debian's Chromium
# for the browser tests when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

EXPLORER := explorer/dist/index.html
EXPLORER_SOURCES := $(shell find explorer -name node_modules -prune -o -name dist -prune -o -type f -print)
CLIENTS := tests/clients/node_modules/.package-lock.json

.PHONY: run demo test lint typecheck pytest schema chromium screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

$(EXPLORER): $(EXPLORER_SOURCES)
	cd explorer && npm ci --no-audit --no-fund --loglevel=error && npm run build

# The JavaScript clients that tests/clients drives the service with (graphql-ws, Apollo,
# Relay, graphql-http's audit...), from their lock file.
$(CLIENTS): tests/clients/package.json tests/clients/package-lock.json
	cd tests/clients && npm ci --no-audit --no-fund --loglevel=error

run: $(VENV)/.installed $(EXPLORER)
	$(BIN)/coopgraph serve

# The service on a data directory of its own (.coopgraph-demo/, never .coopgraph/) with the
# made-up sample IATI files of demo/iati/ imported: a funding chain across three publishers.
demo: $(VENV)/.installed $(EXPLORER)
	$(BIN)/coopgraph demo

test: $(VENV)/.installed-dev lint typecheck pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy service schema db iati tests bench

pytest: $(VENV)/.installed-dev $(EXPLORER) $(CLIENTS) chromium
	$(BIN)/pytest

# The browser tests drive Debian's Chromium: no browser is downloaded by Playwright.
chromium:
	@command -v chromium >/dev/null || [ "$$(id -u)" != 0 ] || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v chromium >/dev/null || echo "no chromium: the explorer's browser tests are skipped"

# The README's pictures of the explorer, taken by the browser tests.
screenshots: $(VENV)/.installed-dev $(EXPLORER) chromium
	COOPGRAPH_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/explorer -q

schema: $(VENV)/.installed
	$(BIN)/coopgraph export-schema --output schema.graphql
	$(BIN)/coopgraph export-schema --subgraph --output schema.subgraph.graphql

clean:
	rm -rf $(VENV) .coopgraph .coopgraph-demo explorer/node_modules explorer/dist tests/clients/node_modules
