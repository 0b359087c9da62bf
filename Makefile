# Two commands on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
INDEX  ?= index
HOST   ?= 127.0.0.1
PORT   ?= 5000
SYNTH_LETTERS ?= 400
# Real letters bundled with the project, a modest synthetic set, and the shared
# corpus beside the project when it is there.
SOURCES ?= tests/fixtures/seeds $(INDEX)/synthetic $(wildcard ../shared/letters/pdf)

.PHONY: run test docs install install-test browser index synth bench evaluate clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Re-install when the packaging or the package layout changes (new top-level packages).
$(VENV)/.installed: $(BIN)/activate pyproject.toml $(wildcard */__init__.py)
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test browser

# Debian's Chromium for the browser test (Playwright cannot download its own here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; the browser test will skip"; \
	  else echo "warning: chromium not installed and not root; the browser test will skip"; fi; }

synth: install
	@[ -d $(INDEX)/synthetic ] || $(BIN)/imr synth --letters $(SYNTH_LETTERS) --out $(INDEX)/synthetic --formats txt,html,pdf --seed 1

index: install synth
	$(BIN)/imr index $(SOURCES) --index $(INDEX) || [ $$? -eq 3 ]

run: index
	$(BIN)/imr serve --index $(INDEX) --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The documentation site into site/ (git-ignored); any warning, a broken link included, is an error.
docs: $(VENV)/.installed-test
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

evaluate: install
	$(BIN)/python scripts/evaluate.py

bench: install
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) $(INDEX)/snapshots $(INDEX)/cache $(INDEX)/synthetic $(INDEX)/CURRENT
