# Breachroom: `make run` to try it, `make test` for the whole suite (what CI runs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test lint typecheck pytest bench lock vendor clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Breachroom needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.lock
	@touch $@

$(VENV)/.dev-installed: requirements/dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.lock
	@touch $@ $(VENV)/.base-installed

# With PostgreSQL (DATABASE_URL), migrations run as the owner of the tables and everything
# else as a role of its own that owns nothing (manage.py app_database_url, grant_app_role):
# the application can append to the audit trail but never rewrite it.
run: $(VENV)/.base-installed
	$(MANAGE) migrate --no-input
	@if [ -n "$$DATABASE_URL" ]; then \
	  app_url="$$($(MANAGE) app_database_url)" && \
	  echo "the application connects as its own role (see manage.py grant_app_role)" && \
	  DATABASE_URL="$$app_url" $(MANAGE) load_demo && \
	  DATABASE_URL="$$app_url" exec $(MANAGE) run_stack; \
	else \
	  $(MANAGE) load_demo && exec $(MANAGE) run_stack; \
	fi

test: $(VENV)/.dev-installed lint typecheck
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy config incidents tests bench tools

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench

lock: $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe -o requirements/base.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe --extra dev -o requirements/dev.lock pyproject.toml

vendor:
	cd static/vendor && npm pack --silent htmx.org@2.0.11 htmx-ext-ws@2.0.4 && \
	  tar -xzOf htmx.org-2.0.11.tgz package/dist/htmx.min.js > htmx.min.js && \
	  tar -xzOf htmx-ext-ws-2.0.4.tgz package/ws.js > htmx-ext-ws.js && rm -f *.tgz

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
