# Two commands do all the set-up on a fresh machine (Python >= 3.11 and git needed):
#   make demo   build .venv if needed, then analyze the bundled example incident (offline, no key)
#   make test   build .venv if needed, then type-check (mypy --strict) and run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXAMPLE := .fivewhys-example/checkout

.PHONY: demo test eval install record record-scripted clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/checkout/build.py $(EXAMPLE) >/dev/null
	cd $(EXAMPLE) && ../../$(BIN)/fivewhys analyze --offline "$$(cat incident.txt)"

test: $(STAMP)
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/python evals/run.py

# Re-record the claude-engine cassettes against the live API (needs ANTHROPIC_API_KEY), or against the
# scripted local Messages-API server. CI only replays them.
record: $(STAMP)
	@test -n "$$ANTHROPIC_API_KEY" || { echo "make record needs ANTHROPIC_API_KEY"; exit 2; }
	FIVEWHYS_RECORD=live $(BIN)/python -m pytest -q tests/reasoners/test_claude_cassettes.py

record-scripted: $(STAMP)
	FIVEWHYS_RECORD=scripted $(BIN)/python -m pytest -q tests/reasoners/test_claude_cassettes.py

clean:
	rm -rf $(VENV) .fivewhys-example .pytest_cache .mypy_cache
