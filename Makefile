# The two set-up commands of the README: `make run` and `make test`.
# Both install what is missing (Debian packages, .venv, Python deps) and nothing twice.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
EXTRAS := dev,postgres,train,scale
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml Makefile | sha256sum | cut -c1-12)

.PHONY: run test lint typecheck unit install system-deps clean dev-cluster dev-cluster-stop

run: install
	$(BIN)/autoclaim serve

test: install lint typecheck unit

lint: install
	$(BIN)/ruff check autoclaim tests scripts
	$(BIN)/ruff format --check autoclaim tests scripts

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest

install: system-deps $(STAMP)

system-deps:
	@bash scripts/ensure-system-deps.sh

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[$(EXTRAS)]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# The distributed setup on this machine (API x2, Celery workers x2, local PostgreSQL + Redis):
# see docs/scaling.md.
dev-cluster: install
	$(BIN)/python scripts/cluster.py start

dev-cluster-stop:
	$(BIN)/python scripts/cluster.py stop

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
