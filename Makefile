# Pult: `make run` to try it, `make test` to check it. Everything else is optional.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export PULT_VAR_DIR ?= $(CURDIR)/var
# The main test run uses PostgreSQL; pytest-django creates and drops test_pult.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pult
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test lint fmt install dev services check-i18n messages smoke clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
dev: $(VENV)/.dev-installed

## run: install, migrate a SQLite database under var/, load the demo, serve on :8000
run: install
	$(BIN)/pult migrate --noinput -v0
	$(BIN)/pult demo
	$(BIN)/pult run

## test: lint, types, migrations, the whole suite on PostgreSQL, then a SQLite smoke pass
test: dev
	scripts/ensure-test-env
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	DB_POOL=0 DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pult makemigrations --check --dry-run
	scripts/check-i18n
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest
	scripts/smoke-sqlite

lint: dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

fmt: dev
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

## messages: refresh the catalogs after changing strings (then translate, then compile)
messages: dev
	cd src/pult && ../../$(BIN)/pult makemessages -l ru -l en --no-obsolete --add-location file
	cd src/pult && ../../$(BIN)/pult makemessages -d djangojs -l ru -l en --no-obsolete --add-location file
	cd src/pult && ../../$(BIN)/pult compilemessages

check-i18n: dev
	scripts/check-i18n

smoke: install
	scripts/smoke-sqlite

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
