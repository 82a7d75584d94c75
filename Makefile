# Tongban's commands. The contract: `make demo` and `make test` on a fresh machine with Python >= 3.11.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= auto

.PHONY: demo test test-sqlite test-postgres lint format bench fuzz messages install clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## The platform on the embedded default (SQLite) with the demo city, on http://127.0.0.1:8000
demo: install
	$(BIN)/tongban migrate --noinput
	$(BIN)/tongban seed-demo
	$(BIN)/tongban serve

## Every test: SQLite always; PostgreSQL too when TONGBAN_TEST_POSTGRES is set (must be reachable)
test: install
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TONGBAN_TEST_POSTGRES" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "TONGBAN_TEST_POSTGRES is not set: PostgreSQL run left out."; fi

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

## The main suite in parallel, then the fault-injection tests alone: they kill processes and
## restart PostgreSQL, so nothing else may run beside them (tests/faults, docs/operations.md)
test-postgres: install
	$(BIN)/python -m tests.require_postgres
	DATABASE_URL="$$TONGBAN_TEST_POSTGRES" $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -m "not faults"
	DATABASE_URL="$$TONGBAN_TEST_POSTGRES" $(BIN)/pytest -n 0 -m faults tests/faults

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r tongban -x '*/migrations/*'

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench

## Deep API fuzzing: schemathesis with many examples per operation (make test runs a few)
fuzz: install
	TONGBAN_FUZZ_EXAMPLES=$${TONGBAN_FUZZ_EXAMPLES:-200} env -u DATABASE_URL $(BIN)/pytest -n 0 \
	  tests/security/test_live_server.py

## Re-extract message ids; fill en and zh-Hant (OpenCC) and compile with tools/messages.py
messages: install
	for app in tongban/*/; do [ -f $$app/apps.py ] && mkdir -p $$app/locale && \
	  (cd $$app && ../../$(BIN)/tongban makemessages --no-obsolete -l zh_Hans -l zh_Hant -l en); done
	$(BIN)/python tools/messages.py

clean:
	rm -rf $(VENV) var/test* .pytest_cache
