# The two commands: `make run` and `make test`. Everything a fresh machine needs is in here.
# The system's own Python when it is 3.11 or newer and can make a virtualenv, else the first
# python3 on the PATH. Debian builds its Python with profile-guided optimisation; a Python built
# from source with the defaults (as pyenv does) ran the app's code about 25% slower and started
# each command 8% slower on this project's machine (README, "Benchmarks"). PYTHON=... overrides.
SYSTEM_PYTHON := $(shell /usr/bin/python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo /usr/bin/python3)
PYTHON ?= $(or $(SYSTEM_PYTHON),python3)
VENV   := .venv
BIN    := $(VENV)/bin
DISCLOSURE := $(BIN)/disclosure
PORT   ?= 5000

.PHONY: run test lint setup system-deps migrate demo scheduler benchmark clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

system-deps:
	./scripts/system-deps.sh

migrate: setup
	$(DISCLOSURE) db upgrade

# The demo library goes only into an empty database; a database with data is left as it is.
demo: migrate
	$(DISCLOSURE) demo --if-empty

# Serves on http://127.0.0.1:$(PORT) with the scheduler beside it (purges, hold expiry,
# reminders); both stop together. Plain HTTP on this machine only, so cookies are not Secure.
run: demo
	@echo "Disclosure on http://127.0.0.1:$(PORT)  (Ctrl-C stops it)"
	@DISCLOSURE_DEBUG=1 $(DISCLOSURE) scheduler & sched=$$!; \
	trap 'kill $$sched 2>/dev/null' EXIT INT TERM; \
	DISCLOSURE_DEBUG=1 $(DISCLOSURE) run --host 127.0.0.1 --port $(PORT) --no-reload

scheduler: migrate
	$(DISCLOSURE) scheduler

# Every test, on SQLite and on PostgreSQL (a throwaway cluster when no
# DISCLOSURE_TEST_DATABASE_URL is given), plus the browser tests in Chromium. One worker per core
# (pytest-xdist; TEST_WORKERS=0 runs them in this process): one worker left a core idle nearly
# half the time. Each worker has its own databases, cluster and browser.
TEST_WORKERS ?= auto
test: lint system-deps
	$(BIN)/pytest -n $(TEST_WORKERS)

# ruff lints and checks the formatting (line length 100; `ruff format .` applies it);
# import-linter checks the layers written down in pyproject.toml ([tool.importlinter]).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

benchmark: setup system-deps
	$(BIN)/python -m tests.benchmarks

clean:
	rm -rf $(VENV) instance tests/artifacts .pytest_cache
