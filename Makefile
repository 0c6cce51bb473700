# The two commands of the README: `make run` and `make test`. Both set everything up first,
# on a machine that has never seen the project.
#
# Environment: DATABASE_URL (PostgreSQL), REDIS_URL (Celery broker; a worker with beat is
# started by `make run` when it is set and reachable). With neither: SQLite, tasks inline.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# Debian packages: the CJK font and Pango for the PDFs (WeasyPrint); poppler and Chromium
# for the tests that read PDFs and drive a real browser.
RUN_DEBS := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
TEST_DEBS := $(RUN_DEBS) poppler-utils chromium

.PHONY: run test setup setup-test system-deps-run system-deps-test migrate demo worker lint bench messages clean

run: setup migrate demo
	@if [ -n "$$REDIS_URL" ]; then \
		$(BIN)/python -c "import os, redis; redis.Redis.from_url(os.environ['REDIS_URL'], socket_connect_timeout=3).ping()" \
			|| { echo "REDIS_URL is set but Redis does not answer: start it or unset REDIS_URL." >&2; exit 1; }; \
		echo "Redis answers: starting a Celery worker with beat (log: var/celery.log)"; \
		$(BIN)/celery -A config worker --beat --loglevel=INFO --logfile=var/celery.log --schedule=var/celerybeat-schedule & \
		worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	else \
		echo "No REDIS_URL: Celery tasks run inline; for periodic jobs see README (cron)."; \
	fi; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup-test
	@$(BIN)/python manage.py makemigrations --check --dry-run >/dev/null || \
		{ echo "Model changes without a migration: run manage.py makemigrations" >&2; exit 1; }
	@$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure" >&2; exit 1; fi; exit $$rc

setup: system-deps-run $(STAMP)
	@mkdir -p var

setup-test: system-deps-test $(STAMP)
	@mkdir -p var

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

system-deps-run:
	@./.ci/system-deps $(RUN_DEBS)

system-deps-test:
	@./.ci/system-deps $(TEST_DEBS)

migrate: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_default_handbook

demo: migrate
	$(BIN)/python manage.py seed_demo

worker: setup
	$(BIN)/celery -A config worker --beat --loglevel=INFO

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup-test
	@./.ci/system-deps wrk
	$(BIN)/python bench/run_all.py

# Regenerates the translation catalogue and compiles it (needs GNU gettext).
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=static/vendor --ignore=bench
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) var
