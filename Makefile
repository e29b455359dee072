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

test: setup chromium
	@mkdir -p test-artifacts
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -q -p no:cacheprovider
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL: $$TEST_DATABASE_URL"; \
	  TEST_DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/python -m pytest -q -p no:cacheprovider -m "not e2e" --ignore=tests/deploy; \
	fi

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
