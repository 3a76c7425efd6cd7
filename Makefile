# Everyday targets. `make build` and `make test` work on a fresh machine: they create the
# virtual environment and install what they need first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install build serve test check lint bench screenshots fuzz clean browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Build the site from content/ into build/.
build: install
	$(BIN)/python -m generator build

## Preview with live reload on http://127.0.0.1:8000/.
serve: install
	$(BIN)/python -m generator serve

## Parse and check every disclosure; print the per-document report.
check: install
	$(BIN)/python -m generator check content/disclosures

## Debian's Chromium for the browser tests (root on a fresh machine; skipped if present).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

## The whole test suite (unit, golden, build, browser).
test: install browser
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check generator tests bench

bench: install build
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/longtext.py
	$(BIN)/python bench/pdf.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/incremental.py

## A long run of the mutation fuzzer (a bounded run is part of `make test`).
fuzz: install
	$(BIN)/python bench/fuzz.py --iterations 100000 --seconds 1800 --keep-going

screenshots: install browser build
	$(BIN)/python -m generator.render.screenshots build --out build-screenshots

clean:
	rm -rf build .cache build-screenshots
