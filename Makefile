# The README's two commands are `make render` and `make test`; every target
# creates or updates .venv on first use, so they are the whole set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: render test check validate lint tools bench clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	# Bytecode, as a regular install would have it (PYTHONDONTWRITEBYTECODE may be set).
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

tools: $(STAMP)
	bash scripts/setup-tools.sh

render: $(STAMP)
	$(BIN)/codepal-gen render --all

check: $(STAMP)
	$(BIN)/codepal-gen check

validate: $(STAMP) tools
	$(BIN)/codepal-gen validate

test: $(STAMP) tools
	$(BIN)/pytest

lint: $(STAMP) tools
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	shellcheck scripts/*.sh benchmarks/run.sh .ci/run

bench: $(STAMP) tools
	bash benchmarks/run.sh

clean-venv:
	rm -rf $(VENV)
