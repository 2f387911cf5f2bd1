# ROMSIE CE — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs in parallel, one worker per core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2
export DJANGO_SETTINGS_MODULE ?= config.settings.base

.PHONY: install messages migrate demo run test lint bench bench-http clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

messages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

migrate: messages
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput --verbosity 0

demo: migrate
	$(BIN)/python manage.py demo_territory --if-empty

run: demo
	$(BIN)/python manage.py oidc_signing_key
	$(BIN)/python manage.py demo_territory --print-accounts
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: messages
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy romsie config
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py check

bench: migrate
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/messaging.py
	$(BIN)/python benchmarks/report_cards.py
	$(BIN)/python benchmarks/large_files.py

# Pages over HTTP (gunicorn, PostgreSQL, Redis, wrk): SIZE=territory for 300 establishments.
SIZE ?= default
bench-http: messages
	$(BIN)/python benchmarks/http_pages.py --size $(SIZE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles
