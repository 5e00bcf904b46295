# Two commands a newcomer needs: `make run` (the bot on the embedded store) and `make test`.
# Both create .venv with Python >= 3.13 when missing and reinstall only when pyproject.toml changes.

VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Recursive (=) so the interpreter is looked up only when the venv must be created.
PYTHON = $(shell scripts/find-python)
PIP_QUIET := --quiet --quiet --disable-pip-version-check

.PHONY: run test demo lint format bench clean

$(BIN)/python:
	@py="$(PYTHON)"; [ -n "$$py" ] || exit 1; \
	echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing Spotter and its dev tools into $(VENV)"
	@$(BIN)/python -m pip install $(PIP_QUIET) --upgrade pip
	@$(BIN)/python -m pip install $(PIP_QUIET) -e '.[dev]'
	@touch $@

run: $(STAMP)
	@$(BIN)/spotter run

demo: $(STAMP)
	@$(BIN)/spotter demo

test: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check --quiet .
	@$(BIN)/pytest

bench: $(STAMP)
	@$(BIN)/python -m bench

lint: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

format: $(STAMP)
	@$(BIN)/ruff check --fix .
	@$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
