# Parcours — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
PORT   ?= 5000
HOST   ?= 127.0.0.1
VENV   := .venv
PORT   ?= 5000
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installe

.PHONY: run test test-unit test-integration test-clone bench install clean lock audit

# Dependencies come from requirements.lock, pinned with their hashes (regenerate with `make lock`). Extras stay in the
# lock (`cachecontrol[filecache]==…`): stripped, pip's hash mode met pip-audit's `CacheControl[filecache]>=0.13.0`
# unpinned and refused to install as soon as a newer CacheControl than the pinned one was published.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lock:
	$(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet pip-tools==7.6.2
	.venv-lock/bin/pip-compile --quiet --generate-hashes --extra dev -o requirements.lock pyproject.toml
	sed -i '/^--extra-index-url/d; /^--find-links/d' requirements.lock
	rm -rf .venv-lock

install: $(STAMP)

run: $(STAMP)
	$(BIN)/parcours init
	$(BIN)/parcours demo-data --personnes 300 --graine 1 --si-vide
	$(BIN)/parcours demo-users
	$(BIN)/parcours serve --hote $(HOST) --port $(PORT)

# Starts the local PostgreSQL and installs Debian's chromium when this machine allows it; the tests that
# still lack one are skipped with one line saying what to install (required when CI=true).
# --no-loadscope-reorder: modules are handed out in the suite's order (the long ones first, see
# tests/conftest.py), not by their number of tests, which left the two schemathesis runs for last on one worker.
test: $(STAMP)
	bash tests/outillage/provisionner.sh
	$(BIN)/python -m pytest -n 2 --dist loadscope --no-loadscope-reorder -q

# The README's two commands in a fresh clone of this repository (also part of `make test` under CI=true).
test-clone: $(STAMP)
	PARCOURS_TEST_CLONE=1 $(BIN)/python -m pytest -q -m clone_neuf tests/e2e/test_fresh_clone.py

test-unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

test-integration: $(STAMP)
	$(BIN)/python -m pytest -q tests/integration

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_OPTIONS)
	$(BIN)/python -m bench.actions
	$(BIN)/python -m bench.protection $(BENCH_OPTIONS)
	$(BIN)/python -m bench.api

audit: $(STAMP)
	$(BIN)/python .ci/audit_dependances.py

clean:
	rm -rf $(VENV) instance .pytest_cache
