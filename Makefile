# Two commands for a newcomer: `make run` and `make test`. Everything else is set up on the way.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := webapp:create_app

.PHONY: run test setup venv node assets translations db chromium clean bench extract-messages

run: setup db
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The slowest 25 tests of each pass are listed at its end (where the time goes).
# The SQLite pass (with the browser tests) and, when TEST_DATABASE_URL names a PostgreSQL database,
# the PostgreSQL pass run side by side: each has its own database and every live server takes a
# free port. The PostgreSQL pass's output is printed after the SQLite pass's; either failing fails.
test: setup chromium
	@mkdir -p test-artifacts
	@pg_pid=; if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== the PostgreSQL pass runs alongside: $$TEST_DATABASE_URL (output follows)"; \
	  TEST_DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/python -m pytest -q -p no:cacheprovider --durations=25 -m "not e2e" \
	    --ignore=tests/deploy > test-artifacts/postgres.log 2>&1 & pg_pid=$$!; \
	fi; \
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -q -p no:cacheprovider --durations=25; sqlite_rc=$$?; \
	pg_rc=0; if [ -n "$$pg_pid" ]; then \
	  wait $$pg_pid; pg_rc=$$?; echo "== again on PostgreSQL: $$TEST_DATABASE_URL"; cat test-artifacts/postgres.log; \
	fi; \
	exit $$(( sqlite_rc != 0 || pg_rc != 0 ))

setup: venv node assets translations

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

node: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: node
	npm run --silent build

translations: venv
	$(BIN)/pybabel compile -d webapp/translations 2>&1 | grep -v "^compiling" || true

extract-messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o webapp/translations/messages.pot .
	$(BIN)/pybabel update -i webapp/translations/messages.pot -d webapp/translations --no-fuzzy-matching --ignore-obsolete

db: venv
	$(BIN)/flask db upgrade
	$(BIN)/flask demo-data

chromium:
	@command -v chromium >/dev/null || [ -x "$${CHROMIUM_PATH:-/nonexistent}" ] || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; }
	@# pdftoppm (poppler-utils) renders label sheets and PDFs to images for the tests that read them back
	@command -v pdftoppm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; fi; }

bench: setup
	$(BIN)/python bench/sync_bench.py

clean:
	rm -rf $(VENV) node_modules static/dist instance/fieldservice.sqlite3
