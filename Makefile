# Two entry points (see README): `make run` and `make test`. Both are idempotent.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint system-deps venv screenshots bench package

system-deps:
	@./scripts/install-system-deps.sh

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || { echo "Python 3.11 is required ($(PY) not found)"; exit 1; }
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

venv: system-deps $(STAMP)

run: venv
	$(BIN)/assessor-app $(ARGS)

test: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/ruff check assessor_app tests benchmarks scripts
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check assessor_app tests benchmarks scripts

screenshots: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py docs/

bench: venv
	$(BIN)/python -m pytest benchmarks --benchmark-only

package: venv
	$(BIN)/python -m pip install --quiet -e ".[package]"
	$(BIN)/pyinstaller --noconfirm build.spec
