# baton — one Makefile for the library, the command, the tests and the benchmarks.
# Objects go under $(BUILD); `make check-sanitize` reuses every rule with another BUILD.

VERSION  := 0.1.0
SOVERSION := 0
PREFIX   ?= /usr/local
BUILD    ?= build
SHARED   ?= ../shared

CC       ?= cc
CSTD     := -std=c11 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
OPT      ?= -O2 -g
SANITIZE ?=
ifneq ($(SANITIZE),)
OPT      := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDSAN    := -fsanitize=address,undefined
endif

# Dependencies of the command and the tests (never of libbaton itself) are decided in one
# place: $(BUILD)/config.mk, made after `make deps` has installed them, then read back.
# Make re-reads itself once that file exists, so a fresh machine needs no extra step.
PKGS     := libxml-2.0 libgvc jansson
ifeq ($(filter clean,$(MAKECMDGOALS))$(CROSS),)
-include $(BUILD)/config.mk
endif

CPPFLAGS := -Iinclude -I. -DBATON_VERSION='"$(VERSION)"'
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) $(CPPFLAGS) -MMD -MP
LDLIBS_LIB := -lpthread -lm

# The context switch is the one machine-dependent source: tracer/ctx_$(ARCH).S for the
# compiler's target machine (x86_64, aarch64); a machine without one gets ucontext (ctx.h).
ARCH     := $(patsubst arm64,aarch64,$(firstword $(subst -, ,$(shell $(CC) -dumpmachine))))

# Sources are found by folder: a new file in a component folder is built with no Makefile edit.
LIB_SRC  := $(wildcard tracer/*.c) $(wildcard tracer/ctx_$(ARCH).S)
CORE_SRC := $(wildcard model/*.c checker/*.c reports/*.c)
CLI_SRC  := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/unit/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(patsubst %.S,$(BUILD)/obj/%.o,$(1)))
LIB_OBJ  := $(call obj,$(LIB_SRC))
CORE_OBJ := $(call obj,$(CORE_SRC))
CLI_OBJ  := $(call obj,$(CLI_SRC))
TEST_OBJ := $(call obj,$(TEST_SRC))

BATON    := $(BUILD)/baton
MPI_PLUGIN := $(if $(MPI_LIBS),$(BUILD)/baton-mpi.so)
CHECKER  := $(BUILD)/check_baton

.PHONY: all deps races check check-unit check-python differential check-sanitize check-aarch64 conformance fuzz fuzz-short demo bench install clean
.DEFAULT_GOAL := all

all: deps $(BUILD)/libbaton.a $(BUILD)/libbaton.so $(BATON) $(MPI_PLUGIN)

# deps: installs missing Debian packages (as root) or prints the command to run.
deps: $(BUILD)/config.mk
$(BUILD)/config.mk: tools/deps.sh Makefile $(wildcard /usr/bin/mpicc)
	@sh tools/deps.sh build
	@mkdir -p $(@D)
	@{ echo "PKG_CFLAGS := $$(pkg-config --cflags $(PKGS))"; \
	   echo "PKG_LIBS := $$(pkg-config --libs $(PKGS))"; \
	   echo "CHECK_CFLAGS := $$(pkg-config --cflags check)"; \
	   echo "CHECK_LIBS := $$(pkg-config --libs check)"; \
	   if command -v mpicc >/dev/null 2>&1 && mpicc --showme:link >/dev/null 2>&1; then \
	     echo "MPI_CFLAGS := $$(mpicc --showme:compile)"; \
	     echo "MPI_LIBS := $$(mpicc --showme:link)"; fi; } > $@.tmp && mv $@.tmp $@

# The library defines the functions that baton.h's call-site macros wrap, so it is built
# without the macros.
$(BUILD)/obj/tracer/%.o: tracer/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -DBATON_NO_CALL_SITES -fPIC -c $< -o $@
$(BUILD)/obj/tracer/%.o: tracer/%.S
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(OPT) -fPIC -c $< -o $@
$(BUILD)/obj/tests/%.o: tests/%.c | $(BUILD)/config.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(PKG_CFLAGS) $(CHECK_CFLAGS) -c $< -o $@
$(BUILD)/obj/%.o: %.c | $(BUILD)/config.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/libbaton.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^
# -z now: the library's calls into libc are bound at load time, not at their first call,
# which would save the vector state on a (small) process stack (docs/runtime.md, Stacks).
# The shared library is libbaton.so.VERSION with the soname libbaton.so.SOVERSION (bumped when
# the ABI changes); libbaton.so and libbaton.so.SOVERSION are links to it.
$(BUILD)/libbaton.so.$(VERSION): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libbaton.so.$(SOVERSION) -Wl,-z,now -Wl,-z,relro $(LDSAN) -o $@ $^ $(LDLIBS_LIB)
$(BUILD)/libbaton.so: $(BUILD)/libbaton.so.$(VERSION)
	ln -sf libbaton.so.$(VERSION) $(BUILD)/libbaton.so.$(SOVERSION)
	ln -sf libbaton.so.$(VERSION) $@
$(BUILD)/libbatoncore.a: $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BATON): $(CLI_OBJ) $(BUILD)/libbatoncore.a $(BUILD)/libbaton.a
	$(CC) $(LDSAN) -o $@ $(CLI_OBJ) $(BUILD)/libbatoncore.a $(BUILD)/libbaton.a $(PKG_LIBS) $(LDLIBS_LIB) -ldl

# The MPI transport of `baton check --distributed` (docs/distributed.md): a plugin that baton
# dlopen()s only for --distributed, so that baton itself never loads libmpi.  Built when
# config.mk found mpicc (Open MPI, installed by `make deps`); its headers are the system's,
# outside our warnings.
$(BUILD)/baton-mpi.so: mpi/baton_mpi.c checker/distributed.h | $(BUILD)/config.mk
	$(CC) $(CSTD) $(WARN) $(OPT) $(CPPFLAGS) $(patsubst -I%,-isystem %,$(MPI_CFLAGS)) -fPIC -shared \
		$(LDSAN) -o $@ $< $(MPI_LIBS)

$(CHECKER): $(TEST_OBJ) $(BUILD)/libbatoncore.a $(BUILD)/libbaton.a
	$(CC) $(LDSAN) -o $@ $(TEST_OBJ) $(BUILD)/libbatoncore.a $(BUILD)/libbaton.a $(PKG_LIBS) $(CHECK_LIBS) $(LDLIBS_LIB)

# check: the conformance corpus (when ../shared is there), then every Check suite —
# unit tests, end-to-end command tests and .csp corpora — ending with Check's summary line.
check: all $(CHECKER) races
	@if [ -d $(SHARED)/conformance/libcspm ]; then $(MAKE) --no-print-directory conformance; \
	else echo "################################################################################"; \
	     echo "conformance: SKIPPED: $(SHARED)/conformance/libcspm is not there, so FDR's libcspm"; \
	     echo "suite (427 files) and the parser's round trip over it are NOT checked.  Put the"; \
	     echo "shared folder beside this clone (see README), or pass SHARED=DIR."; \
	     echo "################################################################################"; fi
	@if [ -n "$(SANITIZE)" ]; then :; \
	elif command -v $(FUZZ_CC) >/dev/null && \
	    [ -e "$$($(FUZZ_CC) -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]; then \
		$(MAKE) --no-print-directory fuzz-short; \
	else echo "fuzz: skipped (no clang with libFuzzer here)"; fi
	@$(MAKE) --no-print-directory differential
	@$(MAKE) --no-print-directory check-python
	@if [ -z "$(MPI_PLUGIN)" ] || ! command -v mpirun >/dev/null; then \
	     echo "################################################################################"; \
	     echo "distributed: SKIPPED: no Open MPI here (mpicc, mpirun), so baton check"; \
	     echo "--distributed is checked as one rank only, not over MPI ranks (tests/e2e/"; \
	     echo "distributed.t).  make deps installs openmpi-bin and libopenmpi-dev."; \
	     echo "################################################################################"; fi
	@$(MAKE) --no-print-directory check-unit

# differential: baton's verdicts on random small processes against an independent oracle that
# follows the models' definitions (tests/differential.py); DIFF_CASES pairs.
DIFF_CASES ?= 200
differential: all
	@if command -v python3 >/dev/null; then python3 tests/differential.py $(BATON) $(DIFF_CASES); \
	else echo "differential: skipped (no python3 here)"; fi

# check-python: the Python package (python/, docs/python.md) with the standard library's
# unittest: its semantics, its traces read and checked by $(BATON), its adapters; ends with
# "python: N passed, N failed, N skipped" and fails the build on a failure.
PYTHON ?= python3
check-python: all
	@if command -v $(PYTHON) >/dev/null; then \
		BATON=$(BATON) BUILD=$(BUILD) BATON_LDFLAGS="$(LDSAN)" $(PYTHON) tests/python/run.py; \
	else echo "python: SKIPPED: no $(PYTHON) here, so the Python package is not tested"; fi

check-unit: all $(CHECKER)
	BATON=$(BATON) BUILD=$(BUILD) SHARED=$(SHARED) BATON_LDFLAGS="$(LDSAN)" $(CHECKER)

# The sanitizer build is made in parallel (one job per usable CPU) unless -j was given.
# tests/lsan.supp names the libraries (fontconfig, Graphviz) whose once-per-process
# allocations LeakSanitizer would otherwise report.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check-sanitize:
	@$(MAKE) --no-print-directory $(if $(findstring j,$(filter-out --%,$(MAKEFLAGS))),,-j$(JOBS)) \
		BUILD=build/san SANITIZE=1 CC=$(CC) all $(BUILD)/san/check_baton
	@LSAN_OPTIONS="suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0$${LSAN_OPTIONS:+:$$LSAN_OPTIONS}" \
		$(MAKE) --no-print-directory BUILD=build/san SANITIZE=1 CC=$(CC) check

# check-aarch64: cross-builds libbaton and tests/unit/cross/runtime_smoke.c for AArch64 and
# runs the test under qemu-user (Debian: gcc-aarch64-linux-gnu libc6-dev-arm64-cross
# qemu-user).  Not part of `make check`.  CROSS=1 keeps the host's config.mk out of it.
AARCH64_CC   ?= aarch64-linux-gnu-gcc
QEMU_AARCH64 ?= qemu-aarch64
AARCH64_ROOT ?= /usr/aarch64-linux-gnu
check-aarch64:
	@command -v $(AARCH64_CC) >/dev/null && command -v $(QEMU_AARCH64) >/dev/null || { \
		echo "check-aarch64 needs: apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user" >&2; \
		exit 1; }
	@$(MAKE) --no-print-directory CROSS=1 BUILD=build/aarch64 CC=$(AARCH64_CC) build/aarch64/runtime_smoke
	$(QEMU_AARCH64) -L $(AARCH64_ROOT) build/aarch64/runtime_smoke

$(BUILD)/runtime_smoke: tests/unit/cross/runtime_smoke.c $(BUILD)/libbaton.a
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libbaton.a $(LDLIBS_LIB)

# races: the schedule-dependent bugs of examples/races (its README), each next to its fix, one
# program per file, linked with libbaton.a alone like a user's program.
RACES := $(patsubst examples/races/%.c,$(BUILD)/races/%,$(wildcard examples/races/*.c))
races: $(RACES)
# (their dependency files go under obj/, so that $(BUILD)/races holds only programs)
$(BUILD)/races/%: examples/races/%.c $(BUILD)/libbaton.a
	@mkdir -p $(@D) $(BUILD)/obj/examples/races
	$(CC) $(CFLAGS_ALL) -MF $(BUILD)/obj/examples/races/$*.d $(LDSAN) -o $@ $< $(BUILD)/libbaton.a \
		$(LDLIBS_LIB)

conformance: all
	@sh tests/conformance.sh $(BATON) $(SHARED)/conformance

# fuzz: libFuzzer over the CSPm front end — lexer, parser, typechecker, evaluator — and over the
# trace readers (clang, ASan, UBSan), FUZZ_TIME seconds each;
# `make check` runs it for 10 s.  Built apart from everything else (tests/fuzz is not wildcarded).
FUZZ_CC   ?= clang
FUZZ_TIME ?= 600
FUZZ_SRC  := tests/fuzz/fuzz_parse.c model/arena.c model/diag.c model/lexer.c model/ast.c model/parser.c \
             model/resolve.c model/types.c model/unify.c \
             model/value.c model/proc.c model/eval.c model/eval_expr.c model/eval_proc.c \
             model/pattern.c model/dot.c model/builtins.c model/eval_explore.c model/termmap.c
FUZZER    := $(BUILD)/fuzz/fuzz_parse
# The trace readers: binary and text, replayed against a small spec (the whole checker).
FUZZ_TRACE_SRC := tests/fuzz/fuzz_trace.c cli/check_trace.c cli/report_out.c $(CORE_SRC)
FUZZER_TRACE   := $(BUILD)/fuzz/fuzz_trace

$(FUZZER): $(FUZZ_SRC) $(wildcard model/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CSTD) $(WARN) -Wno-gnu-variable-sized-type-not-at-end -g -O1 \
		-fsanitize=fuzzer,address,undefined $(CPPFLAGS) -o $@ $(FUZZ_SRC)

$(FUZZER_TRACE): $(FUZZ_TRACE_SRC) $(wildcard model/*.h checker/*.h cli/*.h reports/*.h) | $(BUILD)/config.mk
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CSTD) $(WARN) -Wno-unused-command-line-argument -g -O1 \
		-fsanitize=fuzzer,address,undefined $(CPPFLAGS) $(PKG_CFLAGS) -o $@ $(FUZZ_TRACE_SRC) \
		$(PKG_LIBS) $(LDLIBS_LIB)

fuzz: $(FUZZER) $(FUZZER_TRACE)
	@sh tests/fuzz/run.sh $(FUZZER) $(FUZZ_TIME) $(SHARED) $(BUILD)/fuzz
	@sh tests/fuzz/run_trace.sh $(FUZZER_TRACE) $(FUZZ_TIME) $(BUILD)/fuzz-trace

fuzz-short: $(FUZZER) $(FUZZER_TRACE)
	@sh tests/fuzz/run.sh $(FUZZER) 10 $(SHARED) $(BUILD)/fuzz 2>$(BUILD)/fuzz/short.log \
		&& echo "fuzz: 10 s of libFuzzer on the CSPm front end, no crash" \
		|| { tail -40 $(BUILD)/fuzz/short.log; exit 1; }
	@sh tests/fuzz/run_trace.sh $(FUZZER_TRACE) 10 $(BUILD)/fuzz-trace 2>$(BUILD)/fuzz/trace.log \
		&& echo "fuzz: 10 s of libFuzzer on the trace readers, no crash" \
		|| { tail -40 $(BUILD)/fuzz/trace.log; exit 1; }

demo: all
	@sh examples/demo.sh $(BATON) $(BUILD)

bench: all
	@sh tools/deps.sh bench
	@sh bench/run.sh $(BUILD) $(SHARED)

# install: the Python package goes into the site-packages of PYTHON (python3) under PREFIX
# (python/tools/baton_build.py says where; docs/python.md).
# A program built with `pkg-config --cflags --libs baton` runs without
# LD_LIBRARY_PATH: baton.pc carries an rpath to PREFIX/lib (none for PREFIX=/usr, whose lib
# is the loader's own), and a system install (no DESTDIR, as root) refreshes the loader's
# cache with ldconfig.  `pkg-config --static --cflags --libs baton` links libbaton.a instead.
RPATH = $(if $(filter /usr /usr/,$(PREFIX)),,-Wl$(comma)-rpath$(comma)$${libdir} )
comma := ,
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 755 $(BATON) $(DESTDIR)$(PREFIX)/bin/baton
	install -m 644 $(BUILD)/libbaton.a $(DESTDIR)$(PREFIX)/lib/libbaton.a
	install -m 755 $(BUILD)/libbaton.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libbaton.so.$(VERSION)
	ln -sf libbaton.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libbaton.so.$(SOVERSION)
	ln -sf libbaton.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libbaton.so
	@if [ -e $(BUILD)/baton-mpi.so ]; then \
		install -d $(DESTDIR)$(PREFIX)/lib/baton && \
		install -m 755 $(BUILD)/baton-mpi.so $(DESTDIR)$(PREFIX)/lib/baton/baton-mpi.so; fi
	install -m 644 include/baton.h $(DESTDIR)$(PREFIX)/include/baton.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@RPATH@|$(RPATH)|' \
		tools/baton.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/baton.pc
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then \
		ldconfig $(PREFIX)/lib 2>/dev/null || ldconfig 2>/dev/null || :; fi
	@if command -v $(PYTHON) >/dev/null 2>&1; then \
		$(PYTHON) python/tools/baton_build.py install --prefix $(PREFIX) $(if $(DESTDIR),--root $(DESTDIR)); \
	else echo "install: no $(PYTHON) here: the Python package (python/) is not installed"; fi
	@if ls docs/man/*.1 >/dev/null 2>&1; then \
		install -d $(DESTDIR)$(PREFIX)/share/man/man1 && \
		install -m 644 docs/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/; fi

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
