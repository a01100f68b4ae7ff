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

# With no display (a server, CI) the app runs on a virtual X screen so it still really starts.
run: venv
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] || [ -n "$$QT_QPA_PLATFORM" ]; then \
		$(BIN)/assessor-app $(ARGS); \
	else \
		echo "No display found: starting on a virtual screen (xvfb-run)."; \
		xvfb-run -a -s "-screen 0 1366x768x24" $(BIN)/assessor-app $(ARGS); \
	fi

test: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/ruff check .
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .

screenshots: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py docs/screenshots/

# BEFORE=<git rev> also measures that revision; BENCH_ARGS=--with-1m adds the 1M-item database
# (generated once, a few minutes, cached in benchmarks/.cache/).
bench: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/report.py $(if $(BEFORE),--before $(BEFORE)) $(BENCH_ARGS)

package: venv
	$(BIN)/python -m pip install --quiet -e ".[package]"
	$(BIN)/pyinstaller --noconfirm build.spec
