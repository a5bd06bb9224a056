# Parcours — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installe

.PHONY: run test test-unit test-integration bench install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/parcours init
	$(BIN)/parcours demo-data --personnes 300 --graine 1 --si-vide
	$(BIN)/parcours demo-users
	$(BIN)/parcours serve --hote 127.0.0.1 --port 5000

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

test-unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

test-integration: $(STAMP)
	$(BIN)/python -m pytest -q tests/integration

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_OPTIONS)

clean:
	rm -rf $(VENV) instance .pytest_cache
