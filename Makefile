# Sportello: `make run` serves the demo portal, `make test` runs the whole suite.
# Every target sets itself up on a fresh clone; see README.md.

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

# `make run` is the demo: DEBUG on, SQLite under var/, e-mails kept in files under var/mail/.
# PORT (default 8000) is where the demo listens; SITE_URL follows it unless set.
RUN_ENV := DEBUG=$${DEBUG:-true} DATABASE_URL=$${DATABASE_URL:-sqlite:///var/sportello.sqlite3} MAIL_BACKEND=$${MAIL_BACKEND:-file} PORT=$${PORT:-8000} SITE_URL=$${SITE_URL:-http://127.0.0.1:$${PORT:-8000}}
# `make test` runs on PostgreSQL (the server on 127.0.0.1:5432, user postgres, trust auth).
TEST_ENV := DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sportello} SECRET_KEY=tests-only-secret-key-that-is-long-and-random-enough-0123456789

# The suite runs in PYTEST_WORKERS processes (pytest-xdist), each with a test database of
# its own (test_<name>_gw0, test_<name>_gw1, …). --dist loadfile sends each file whole to
# one worker: the scale-out test's module then makes one cluster, and runs alone. (xdist
# 3.8's loadgroup does not group under pytest 9.2.) 3 workers measured fastest on a 2-core
# machine (docs/testing.md): the browser and server tests wait on I/O. PYTEST_WORKERS=0
# runs everything in one process.
PYTEST_WORKERS ?= 3
PYTEST := $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile

.PHONY: run test test-fast install install-test lint format messages lock clean

run: $(VENV)/.base-installed
	@mkdir -p var
	$(RUN_ENV) $(MANAGE) compilemessages --ignore=.venv -v 0
	$(RUN_ENV) $(MANAGE) migrate --no-input -v 0
	$(RUN_ENV) $(MANAGE) createcachetable
	$(RUN_ENV) $(MANAGE) seed_demo
	$(RUN_ENV) bin/run-dev

test: $(VENV)/.test-installed
	bin/install-system-deps
	$(TEST_ENV) $(MANAGE) compilemessages --ignore=.venv -v 0
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(PYTEST) $(PYTEST_ARGS)

# The suite without the browser tests (files *_browser.py), for a quick check while working.
test-fast: $(VENV)/.test-installed
	bin/install-system-deps
	$(TEST_ENV) $(MANAGE) compilemessages --ignore=.venv -v 0
	$(TEST_ENV) $(PYTEST) -m "not browser" $(PYTEST_ARGS)

install: $(VENV)/.base-installed
install-test: $(VENV)/.test-installed

$(VENV)/bin/python:
	"$$(bin/find-python)" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.base-installed: $(VENV)/bin/python requirements/base.txt
	$(PY) -m pip install -q -r requirements/base.txt
	@touch $@

$(VENV)/.test-installed: $(VENV)/.base-installed requirements/test.txt
	$(PY) -m pip install -q -r requirements/test.txt
	@touch $@

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.test-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refreshes the Italian catalogue after changing user-facing text.
messages: $(VENV)/.base-installed
	DEBUG=true $(MANAGE) makemessages -l it --no-obsolete --ignore=.venv --ignore=var --ignore='static/vendor/*'
	DEBUG=true $(MANAGE) makemessages -d djangojs -l it --no-obsolete --ignore=.venv --ignore=var --ignore='*/vendor/*'

# Recompiles the pinned requirement files from requirements/*.in.
lock: $(VENV)/.test-installed
	cd requirements && ../$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o base.txt base.in
	cd requirements && ../$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o test.txt test.in

clean:
	rm -rf $(VENV) var .pytest_cache
