# The two README commands. Everything else is CMake's job.
#   make demo   install what is missing, build, run the main job on the example
#   make test   install, build, run the suite; then again with ASan + UBSan

BUILD     ?= build
BUILD_SAN ?= build-san
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_DB   ?= $(BUILD)/demo.db

.PHONY: all deps build build-san demo test test-fast bench bench-benchmark \
        coverage mutate clean

all: build

deps:
	@sh tools/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-san: deps
	@cmake -S . -B $(BUILD_SAN) -DCMAKE_BUILD_TYPE=Debug -DVISTA_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_SAN) -j $(JOBS)

demo: build
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	@$(BUILD)/vista --db $(DEMO_DB) init
	@$(BUILD)/vista --db $(DEMO_DB) import institutions examples/institutions.csv
	@$(BUILD)/vista --db $(DEMO_DB) import mobility examples/mobility.csv
	@$(BUILD)/vista --db $(DEMO_DB) import mobility examples/own_list.csv
	@echo; echo "== Institutions by country (vista run institutions)"
	@$(BUILD)/vista --db $(DEMO_DB) run institutions
	@echo; echo "== VET learners abroad by year (vista run mobility --by year vet=true profile=learner)"
	@$(BUILD)/vista --db $(DEMO_DB) run mobility --by year vet=true profile=learner
	@echo; echo "== A school's own list, out and in (vista run mobility --by direction,profile direction=outgoing,incoming)"
	@$(BUILD)/vista --db $(DEMO_DB) run mobility --by direction,profile direction=outgoing,incoming
	@echo; echo "== A college's strategy: examples/college (vista import strategy|facts|partners)"
	@$(BUILD)/vista --db $(DEMO_DB) import strategy examples/college/strategy.lua
	@$(BUILD)/vista --db $(DEMO_DB) import mobility examples/college/mobility.csv
	@$(BUILD)/vista --db $(DEMO_DB) import facts examples/college/facts.csv
	@$(BUILD)/vista --db $(DEMO_DB) import partners examples/college/partners.csv
	@$(BUILD)/vista --db $(DEMO_DB) import timeline examples/college/timeline.csv
	@$(BUILD)/vista --db $(DEMO_DB) import survey examples/college/survey.csv
	@echo; echo "== Its goals and their whys (vista run why)"
	@$(BUILD)/vista --db $(DEMO_DB) run why
	@echo; echo "== Check: indicators against targets, actions to act on (vista run pdca)"
	@$(BUILD)/vista --db $(DEMO_DB) run pdca
	@echo; echo "== What it has done so far (vista run timeline), and its staff's skills (vista run skills)"
	@$(BUILD)/vista --db $(DEMO_DB) run timeline
	@$(BUILD)/vista --db $(DEMO_DB) run skills
	@echo; echo "== A consortium of 30 schools, 2022-23: examples/consortium (vista run consortium)"
	@$(BUILD)/vista --db $(DEMO_DB) import mobility examples/consortium/mobility.csv
	@$(BUILD)/vista --db $(DEMO_DB) run consortium --members examples/consortium/members.csv --year 2022-23
	@echo; echo "== Where the college stands among the senders of 2023-24, published (vista run benchmark)"
	@$(BUILD)/vista --db $(DEMO_DB) run benchmark --indicator learners --period 2023-24 --institution "B  ANTWERP77" --top 5 --publish
	@echo; echo "== The college's report, to open in a browser (vista run report --out FILE)"
	@$(BUILD)/vista --db $(DEMO_DB) run report --out $(BUILD)/college-report.html

test: build build-san
	@sh tools/deps.sh test
	@echo "== test pass 1: release build =="
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	@echo "== test pass 2: AddressSanitizer + UndefinedBehaviorSanitizer =="
	@ctest --test-dir $(BUILD_SAN) --output-on-failure -j $(JOBS)

# The benchmark against sqlite3, pandas and DuckDB (not part of the tests:
# it takes minutes and installs the peers). BENCH_ARGS="--rows 100000".
bench: build
	@sh tools/deps.sh bench
	@cd bench && { [ -d node_modules/@duckdb/node-api ] || npm install --no-audit --no-fund --loglevel=error; }
	@/usr/bin/python3 bench/bench.py --vista $(BUILD)/vista $(BENCH_ARGS)

# The cross-institution benchmark at national scale (10 million records).
bench-benchmark: build
	@/usr/bin/python3 bench/benchmark.py --vista $(BUILD)/vista $(BENCH_ARGS)

# One pass only, for the edit-build-test loop.
test-fast: build
	@sh tools/deps.sh test
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Line and branch coverage of the suite (gcc --coverage, gcovr), with the
# Lua lines hit counted by the sandbox's hook; HTML in build-coverage/coverage/.
coverage: deps
	@sh tools/deps.sh coverage
	@cmake -S . -B build-coverage -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc \
	  -DVISTA_COVERAGE=ON >/dev/null
	@cmake --build build-coverage -j $(JOBS)
	@find build-coverage -name '*.gcda' -delete
	@rm -rf build-coverage/lua-coverage
	@VISTA_LUA_COVERAGE=$(CURDIR)/build-coverage/lua-coverage \
	  ctest --test-dir build-coverage -j $(JOBS) || \
	  echo "== tests failed (above): the coverage below counts what ran =="
	@/usr/bin/python3 tools/coverage.py build-coverage

# Does the suite notice a wrong rule? Small mistakes put one at a time into
# the files that decide figures and privacy (not part of make test: it takes
# long; resumable). MUTATE_ARGS="--file core/suppress.c --limit 20".
mutate: deps
	@sh tools/deps.sh test
	@/usr/bin/python3 tools/mutate.py $(MUTATE_ARGS)

clean:
	rm -rf $(BUILD) $(BUILD_SAN) build-coverage build-mutate
