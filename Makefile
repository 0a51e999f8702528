# utilitycrm: `make run` serves the app with demo data, `make test` runs the whole suite.
# Both set everything up first (system packages, virtual environment, catalogs).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app utilitycrm
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
# The suite runs on every core (pytest-xdist); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto

.PHONY: setup system-packages browser run test lint translations-update screenshots clean

setup: system-packages $(VENV)/.installed translations

system-packages:
	PYTHON=$(PYTHON) scripts/install-system-packages.sh

browser:
	PYTHON=$(PYTHON) scripts/install-system-packages.sh --browser

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d utilitycrm/translations --statistics

run: setup
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo seed --if-empty
	# A job worker beside the web server, on the embedded queue (instance/jobs.sqlite).
	$(FLASK) jobs worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup browser
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check utilitycrm tests bench
	$(BIN)/ruff format --check utilitycrm tests bench
	$(BIN)/lint-imports  # the layers of docs/architecture.md

# The README's pictures, from the demo `make run` serves (URL=... for another address).
URL ?= http://127.0.0.1:5000
screenshots: setup browser
	$(BIN)/python scripts/readme_screenshots.py --url $(URL) --out docs/screenshots

# Re-extract the translatable strings and merge them into the catalogs (developers only).
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k stage_name -o utilitycrm/translations/messages.pot --no-location --sort-output --width 100 --project=utilitycrm --copyright-holder=utilitycrm --header-comment="# Translations of utilitycrm; every message is translated (tests/test_i18n.py)." .
	$(BIN)/pybabel update -i utilitycrm/translations/messages.pot -d utilitycrm/translations --no-fuzzy-matching --ignore-obsolete --width 100

clean:
	rm -rf $(VENV) .pytest_cache
