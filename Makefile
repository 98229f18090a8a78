# taizhang — build, test and demo.
#
#   make            build ./taizhang
#   make demo       install dependencies, build, serve a fresh demo ledger on :8080
#   make test       install dependencies, build, run every test
#   make asan       build with AddressSanitizer + UBSan into build-asan/
#   make test-asan  run the whole suite against the sanitizer build
#   make valgrind   run the suite under valgrind (unit tests and the server)
#   make test-pg    the end-to-end and browser tests against PostgreSQL
#   make screenshots  the README's screenshots, from the demo ledger in chromium

PKGS     := libmicrohttpd sqlite3 libsodium jansson opencc libqrencode xlsxwriter minizip expat pangocairo pangoft2 libcurl libpq
CC       ?= cc
BUILD    ?= build
CFLAGS   ?= -O2 -g
# Flags the code needs, kept apart from CFLAGS so `make CFLAGS=...` only tunes.
TZ_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror \
            -Wno-unused-parameter -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
TZ_LIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
TEST_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

LIB_SRC  := $(sort $(filter-out src/main.c,$(wildcard src/*/*.c)))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BIN      := $(BUILD)/taizhang

.PHONY: all deps demo test test-run test-pg asan test-asan valgrind screenshots clean format t2s-table

all: $(BIN) taizhang

taizhang: $(BIN)
	@ln -sf $(BIN) taizhang

$(BUILD)/%.o: %.c $(wildcard src/*/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TZ_CFLAGS) -c $< -o $@

$(BUILD)/libtaizhang.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/src/main.o $(BUILD)/libtaizhang.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TZ_LIBS) $(LDLIBS)

# unit.c: the helpers the unit tests share (unit.h), linked into each of them.
$(BUILD)/tests/unit.o: tests/unit/unit.c tests/unit/unit.h $(wildcard src/*/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TZ_CFLAGS) -Itests/unit -c $< -o $@

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/tests/unit.o $(BUILD)/libtaizhang.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TZ_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(BUILD)/tests/unit.o \
	  $(BUILD)/libtaizhang.a $(TZ_LIBS) $(LDLIBS) $(TEST_LIBS)

units: $(UNIT_BIN)

# --- fuzz: begin
# libFuzzer targets (tests/fuzz/README.md). A target is one file,
# tests/fuzz/fuzz_NAME.c, with its corpus in tests/fuzz/corpus/NAME/:
#   make fuzz        build every target with clang into build-fuzz/fuzz_NAME
#   make fuzz-short  run each for FUZZ_TIME seconds (CI), failing on a crash
# `units` also builds each target with replay.c as $(BUILD)/tests/test_fuzz_NAME,
# so the suite replays every corpus file (under ASan and valgrind too).
FUZZ_BUILD ?= build-fuzz
FUZZ_CC    ?= clang
FUZZ_TIME  ?= 30
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_BIN   := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_OBJ   := $(LIB_SRC:%.c=$(FUZZ_BUILD)/clang/%.o) $(FUZZ_BUILD)/clang/tests/fuzz/common.o
FUZZ_REPLAY_BIN := $(FUZZ_NAMES:%=$(BUILD)/tests/test_fuzz_%)
FUZZ_DEPS  := tests/fuzz/fuzz.h tests/fuzz/common.c

.PHONY: fuzz fuzz-short

fuzz: $(FUZZ_BIN)

fuzz-short: fuzz
	@tests/fuzz/run -t $(FUZZ_TIME) -b $(FUZZ_BUILD)

$(FUZZ_BUILD)/clang/%.o: %.c $(wildcard src/*/*.h) tests/fuzz/fuzz.h Makefile
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN) \
	  $(TZ_CFLAGS) -Itests/fuzz -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ) $(FUZZ_DEPS)
	$(FUZZ_CC) -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer $(FUZZ_SAN) $(TZ_CFLAGS) \
	  -Itests/fuzz -o $@ $< $(FUZZ_OBJ) $(TZ_LIBS)

$(BUILD)/tests/test_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(FUZZ_DEPS) $(BUILD)/libtaizhang.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TZ_CFLAGS) -Itests/fuzz $(LDFLAGS) -o $@ $< tests/fuzz/replay.c \
	  tests/fuzz/common.c $(BUILD)/libtaizhang.a $(TZ_LIBS) $(LDLIBS)

units: $(FUZZ_REPLAY_BIN)
# --- fuzz: end

deps:
	@scripts/install-deps

demo: deps
	@$(MAKE) --no-print-directory all
	@rm -f demo.db demo.db-wal demo.db-shm
	./taizhang demo --db demo.db --listen 127.0.0.1:8080

# The suite: unit tests (cmocka) and end-to-end tests over HTTP against the
# real binary. Ends with one line "N passed, N failed".
test: deps
	@$(MAKE) --no-print-directory all units
	@tests/run --build $(BUILD)

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan \
	  CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" all units

test-asan: deps asan
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  tests/run --build build-asan

valgrind: all units
	@tests/run --build $(BUILD) --valgrind

# The end-to-end and browser tests again with PostgreSQL as the ledger's
# database: a scratch cluster (scripts/pg-scratch) for the run, or the one
# TAIZHANG_TEST_PG names; each server the tests start gets a fresh database.
test-pg: deps
	@$(MAKE) --no-print-directory all
	@tests/run --build $(BUILD) --pg

# The README's screenshots (docs/screenshots/*.png): the demo ledger served
# and photographed in chromium by tests/browser/screenshots.mjs.
screenshots: deps
	@$(MAKE) --no-print-directory all
	@TAIZHANG_BIN=$(BUILD)/taizhang node tests/browser/screenshots.mjs docs/screenshots

# The traditional -> simplified folding table (src/text/t2s_table.h) is
# generated from OpenCC; test_fold checks it against OpenCC on every run.
t2s-table: tools/t2s_table.c src/text/t2s_rule.h src/text/t2s_ranges.h $(BUILD)/libtaizhang.a
	@mkdir -p $(BUILD)/tools
	$(CC) $(CFLAGS) $(TZ_CFLAGS) -o $(BUILD)/tools/t2s_table $< $(BUILD)/libtaizhang.a $(TZ_LIBS)
	$(BUILD)/tools/t2s_table > src/text/t2s_table.h

format:
	clang-format -i src/*.c src/*/*.c src/*/*.h tests/unit/*.c

clean:
	rm -rf build build-asan taizhang

# --- bench: begin
# Benchmarks (bench/, docs/performance.md), never part of `make test`:
# `make bench` installs wrk, nginx and fossil, builds the ledger generator and
# the SQLite reference program, and runs a short version of every scenario
# (100,000 matters, 10-second runs, under ten minutes).
.PHONY: bench bench-build
BENCH_BIN := $(BUILD)/bench/gen $(BUILD)/bench/insert_ref $(BUILD)/bench/similar \
             $(BUILD)/bench/search $(BUILD)/bench/export

$(BUILD)/bench/gen: bench/gen.c bench/gen_walk.c bench/gen.h $(BUILD)/libtaizhang.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TZ_CFLAGS) -I. $(LDFLAGS) -o $@ bench/gen.c bench/gen_walk.c \
	  $(BUILD)/libtaizhang.a $(TZ_LIBS) $(LDLIBS)

$(BUILD)/bench/similar: bench/similar.c $(BUILD)/libtaizhang.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TZ_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libtaizhang.a $(TZ_LIBS) $(LDLIBS)

$(BUILD)/bench/search: bench/search.c $(BUILD)/libtaizhang.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TZ_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libtaizhang.a $(TZ_LIBS) $(LDLIBS)

$(BUILD)/bench/export: bench/export.c $(BUILD)/libtaizhang.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TZ_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libtaizhang.a $(TZ_LIBS) $(LDLIBS)

$(BUILD)/bench/insert_ref: bench/insert_ref.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TZ_CFLAGS) $(LDFLAGS) -o $@ $< $(TZ_LIBS) $(LDLIBS)

bench-build: $(BIN) $(BENCH_BIN)

bench: deps
	@scripts/install-bench-deps
	@$(MAKE) --no-print-directory bench-build
	@bench/run --build $(BUILD) --matters 100000 --duration 10
# --- bench: end
