# Two commands a newcomer needs: `make run` (the bot on the embedded store) and `make check`
# (lint and the fast tests); `make test` is the whole suite CI runs.
# Each creates .venv with Python >= 3.13 when missing and installs exactly what the lock file
# pins (hashes checked); nothing is reinstalled until the lock or pyproject.toml changes.

VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The lock files: every package at one version with its hashes. `make lock` refreshes both.
LOCK     := requirements-dev.lock
APP_LOCK := requirements.lock
# Recursive (=) so the interpreter is looked up only when the venv must be created.
PYTHON = $(shell scripts/find-python)
PIP_QUIET := --quiet --quiet --disable-pip-version-check
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.13 \
	--generate-hashes --quiet --custom-compile-command "make lock"

.PHONY: run test check demo lint format bench lock clean

$(BIN)/python:
	@py="$(PYTHON)"; [ -n "$$py" ] || exit 1; \
	echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV)

$(STAMP): $(LOCK) pyproject.toml | $(BIN)/python
	@echo "Installing Spotter and its dev tools into $(VENV) from $(LOCK)"
	@$(BIN)/python -m pip install $(PIP_QUIET) --require-hashes --no-deps -r $(LOCK)
	@$(BIN)/python -m pip install $(PIP_QUIET) --no-deps -e .
	@touch $@

run: $(STAMP)
	@$(BIN)/spotter run

demo: $(STAMP)
	@$(BIN)/spotter demo

# The inner loop: lint, then every test that starts no process (no e2e stack, no browser,
# no `spotter` subprocess), spread over every core (pytest-xdist). About two minutes on two.
check: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check --quiet .
	@$(BIN)/pytest -m "not process" -q -n auto --dist loadgroup

test: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check --quiet .
	@$(BIN)/pytest

bench: $(STAMP)
	@$(BIN)/python -m bench

# Re-resolve every dependency to the newest release pyproject.toml allows, for Linux, macOS
# and Windows alike; the app's lock (the Docker image's) takes the same versions as the dev lock.
lock: $(STAMP)
	@$(UV_COMPILE) --extra dev --upgrade -o $(LOCK)
	@$(UV_COMPILE) -c $(LOCK) -o $(APP_LOCK)
	@echo "Refreshed $(LOCK) and $(APP_LOCK): run make test, then commit them."

lint: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

format: $(STAMP)
	@$(BIN)/ruff check --fix .
	@$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
