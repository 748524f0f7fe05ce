# The two README commands. Everything else is CMake's job.
#   make demo   install what is missing, build, run the main job on the example
#   make test   install, build, run the suite; then again with ASan + UBSan;
#               then each fuzzer for a few seconds
#   make fuzz   the fuzzers for longer (FUZZ_SECONDS each, default 300)

BUILD     ?= build
BUILD_SAN ?= build-san
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 300
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_DB   ?= $(BUILD)/demo.db

.PHONY: all deps build build-san build-fuzz demo test test-fast fuzz bench \
        bench-benchmark coverage mutate clean install uninstall screenshots

all: build

deps:
	@sh tools/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-san: deps
	@cmake -S . -B $(BUILD_SAN) -DCMAKE_BUILD_TYPE=Debug -DVISTA_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_SAN) -j $(JOBS)

# The libFuzzer targets: clang, with libFuzzer, ASan and UBSan, in a build
# directory of their own (the gcc builds stay as they are).
build-fuzz: deps
	@sh tools/deps.sh test
	@CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVISTA_FUZZ=ON >/dev/null
	@cmake --build $(BUILD_FUZZ) -j $(JOBS)

# The README's pictures of the example's report, English and Dutch
# (docs/report.png, docs/report-nl.png), drawn by headless Chromium.
screenshots: build
	@sh tools/deps.sh test
	@sh tools/screenshots.sh $(BUILD)/vista

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
	@echo; echo "== Its operating environment and the themes the scan covers (vista run scan)"
	@$(BUILD)/vista --db $(DEMO_DB) run scan
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

# The test packages come first: CMake looks for some of them (lua5.4) when
# it configures the build directories.
test:
	@sh tools/deps.sh test
	@$(MAKE) --no-print-directory build build-san build-fuzz
	@echo "== test pass 1: release build =="
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	@echo "== test pass 2: AddressSanitizer + UndefinedBehaviorSanitizer =="
	@ctest --test-dir $(BUILD_SAN) --output-on-failure -j $(JOBS)
	@echo "== test pass 3: the fuzzers, a few seconds each (make fuzz: longer) =="
	@ctest --test-dir $(BUILD_FUZZ) --output-on-failure -j $(JOBS)

# Each fuzzer for FUZZ_SECONDS, one after another. New corpus entries and
# crashes go under $(BUILD_FUZZ)/tests/fuzz/, never into the source tree.
fuzz: build-fuzz
	@VISTA_FUZZ_SECONDS=$(FUZZ_SECONDS) ctest --test-dir $(BUILD_FUZZ) \
	  --output-on-failure --timeout $$(( $(FUZZ_SECONDS) * 2 + 300 ))

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
test-fast:
	@sh tools/deps.sh test
	@$(MAKE) --no-print-directory build
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
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_FUZZ) build-coverage build-mutate

# make install [PREFIX=/usr/local] [DESTDIR=...] [bindir= datadir= mandir=
# docdir=]: the binary, vista(1), bash and zsh completion, the examples and
# docs. The directories are GNUInstallDirs' (CMakeLists.txt): relative ones
# are under PREFIX, absolute ones as given. They are always passed, so that
# none stays behind in CMake's cache from an earlier install.
PREFIX  ?= /usr/local
bindir  ?= bin
datadir ?= share
mandir  ?= $(datadir)/man
docdir  ?= $(datadir)/doc/vista
install: build
	@cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) \
	  -DCMAKE_INSTALL_BINDIR=$(bindir) -DCMAKE_INSTALL_DATADIR=$(datadir) \
	  -DCMAKE_INSTALL_MANDIR=$(mandir) -DCMAKE_INSTALL_DOCDIR=$(docdir) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD)
	@sed 's|^|$(DESTDIR)|' $(BUILD)/install_manifest.txt > $(BUILD)/installed.txt

# Removes exactly what the last make install wrote (tools/uninstall.sh).
uninstall:
	@sh tools/uninstall.sh $(BUILD)/installed.txt
