# spoolwatch - non-recursive build.
#
#   make               bin/spoolwatch-agent, bin/spoolwatch-collector
#   make static        bin/static/*: the same, statically linked (musl),
#                      for every x86_64 host from RHEL 5 on
#   make check         sanitizer build, unit + e2e + bounded fuzz runs,
#                      ends with "N passed, N failed"
#   make demo          collector + agent on this host and on an incident root
#   make bench         benchmarks next to the reference tools
#   make fuzz          libFuzzer targets (clang), FUZZ_SECONDS each
#   make install       PREFIX=/usr/local DESTDIR=
#   make deps          install missing Debian packages (root) or print how
#
# BUILD may be overridden (make check BUILD=build/mine) so that several
# builds can share one work tree.

PREFIX    ?= /usr/local
DESTDIR   ?=
BUILD     ?= build
SANITIZE  ?= 0
FUZZ_SECONDS ?= 10

PKGS      := libcurl jansson sqlite3 libmicrohttpd zlib
# libpq (the PostgreSQL store backend) is linked into the collector only.
COLLECTOR_PKGS := libpq
TEST_PKGS := cmocka

VERSION   := $(shell cat .version 2>/dev/null || echo 0.0.0)

CC        ?= cc
# Warnings every C11 compiler has, then the newer ones this $(CC) accepts
# (an older gcc building the source tarball lacks some of them).
probe_cflag = $(shell $(CC) -Werror $(1) -xc -c -o /dev/null /dev/null \
                  2>/dev/null && echo $(1))
WARN      := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
             -Wmissing-prototypes -Wno-format-nonliteral \
             $(foreach f,-Wvla -Wimplicit-fallthrough,$(call probe_cflag,$(f)))
CPPFLAGS  += -D_GNU_SOURCE -DSPOOLWATCH_VERSION='"$(VERSION)"' -I. -MMD -MP
CFLAGS    ?= -O2 -g
CFLAGS    += -std=c11 $(WARN) \
             $(or $(call probe_cflag,-fstack-protector-strong),-fstack-protector)

ifeq ($(SANITIZE),1)
OUT       := $(BUILD)/san
CFLAGS    += -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=all
LDFLAGS   += -fsanitize=address,undefined
BINDIR    := $(OUT)/bin
else
OUT       := $(BUILD)/rel
CPPFLAGS  += -D_FORTIFY_SOURCE=2
# bin/ belongs to the default build; other BUILD dirs keep their own.
BINDIR    := $(if $(filter build,$(BUILD)),bin,$(OUT)/bin)
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) $(COLLECTOR_PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
COLLECTOR_LIBS = $(shell pkg-config --libs $(COLLECTOR_PKGS) 2>/dev/null)
TEST_LIBS  = $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)
CFLAGS    += $(PKG_CFLAGS)
LDLIBS    += $(PKG_LIBS) -lm -lpthread

COMMON_SRC    := $(sort $(wildcard common/*.c))
AGENT_SRC     := $(sort $(wildcard agent/*.c agent/*/*.c))
COLLECTOR_SRC := $(sort $(wildcard collector/*.c collector/*/*.c))
UNIT_SRC      := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC      := $(sort $(wildcard tests/fuzz/fuzz_*.c))
# Generated sources (embedded dashboard assets) live under $(OUT)/gen.
GEN_SRC       :=
GEN_OBJ       :=

obj = $(patsubst %.c,$(OUT)/%.o,$(1))

COMMON_OBJ    := $(call obj,$(COMMON_SRC))
AGENT_OBJ     := $(call obj,$(filter-out agent/main.c,$(AGENT_SRC)))
COLLECTOR_OBJ := $(call obj,$(filter-out collector/main.c,$(COLLECTOR_SRC)))

LIBCOMMON     := $(OUT)/libcommon.a
LIBAGENT      := $(OUT)/libagent.a
LIBCOLLECTOR  := $(OUT)/libcollector.a

AGENT_BIN     := $(BINDIR)/spoolwatch-agent
COLLECTOR_BIN := $(BINDIR)/spoolwatch-collector
UNIT_BIN      := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRC))

-include collector/web.mk

.PHONY: all deps check test unit e2e fuzz fuzz-build bench demo install \
        clean lint rpm deb print-bindir print-static-bindir
.DEFAULT_GOAL := all
.SECONDARY:

all: deps-quiet $(AGENT_BIN) $(COLLECTOR_BIN)

$(OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBCOMMON): $(COMMON_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^
$(LIBAGENT): $(AGENT_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^
$(LIBCOLLECTOR): $(COLLECTOR_OBJ) $(GEN_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(AGENT_BIN): $(OUT)/agent/main.o $(LIBAGENT) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(COLLECTOR_BIN): $(OUT)/collector/main.o $(LIBCOLLECTOR) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(COLLECTOR_LIBS)

# Every unit test links against all three libraries; the archives only
# pull in the objects a test needs.
$(OUT)/tests/%: $(OUT)/tests/unit/%.o $(LIBAGENT) $(LIBCOLLECTOR) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(COLLECTOR_LIBS) $(TEST_LIBS)

# --- dependencies ---------------------------------------------------------

deps:
	@sh tests/deps.sh build test

deps-quiet:
	@sh tests/deps.sh build

# --- tests ----------------------------------------------------------------

# make check: the sanitizer build, then every test; see tests/run.sh.
check:
	@sh tests/deps.sh build test
	@$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(BUILD) unit-build
	@$(MAKE) --no-print-directory SANITIZE=0 BUILD=$(BUILD) fuzz-build
	@$(MAKE) --no-print-directory SANITIZE=0 BUILD=$(BUILD) all static \
	    oldkernel-build
	@BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/run.sh \
	    "$(BUILD)/san/bin" "$(BUILD)/san/tests" "$(BUILD)/fuzz"

unit-build: $(AGENT_BIN) $(COLLECTOR_BIN) $(UNIT_BIN)

# --- fuzzing (clang libFuzzer) --------------------------------------------

FUZZ_OUT  := $(BUILD)/fuzz
FUZZ_CC   ?= clang
FUZZ_FLAGS := -std=c11 -g -O1 -D_GNU_SOURCE -DSPOOLWATCH_VERSION='"$(VERSION)"' \
              -I. $(PKG_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined \
              -fno-sanitize-recover=all -MMD -MP
FUZZ_LIBSRC := $(COMMON_SRC) $(filter-out agent/main.c,$(AGENT_SRC)) \
               $(filter-out collector/main.c,$(COLLECTOR_SRC)) $(GEN_SRC)
FUZZ_LIBOBJ := $(patsubst %.c,$(FUZZ_OUT)/obj/%.o,$(FUZZ_LIBSRC))
FUZZ_BIN    := $(patsubst tests/fuzz/%.c,$(FUZZ_OUT)/%,$(FUZZ_SRC))

$(FUZZ_OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -c -o $@ $<
$(FUZZ_OUT)/libfuzzlib.a: $(FUZZ_LIBOBJ)
	@rm -f $@
	$(AR) rcs $@ $^
$(FUZZ_OUT)/fuzz_%: $(FUZZ_OUT)/obj/tests/fuzz/fuzz_%.o $(FUZZ_OUT)/libfuzzlib.a
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS) \
	    $(COLLECTOR_LIBS)

fuzz-build: $(FUZZ_BIN)

# The collector embeds its schema (.incbin in collector/schema.c).
$(OUT)/collector/store/schema.o $(FUZZ_OUT)/obj/collector/store/schema.o: \
    schema/collector.sql schema/collector.pg.sql
$(OUT)/collector/store/migrate_steps.o \
    $(FUZZ_OUT)/obj/collector/store/migrate_steps.o: \
    $(wildcard schema/migrations/*.sql)
# ... and its API description (.incbin in collector/api/openapi.c).
$(OUT)/collector/api/openapi.o $(FUZZ_OUT)/obj/collector/api/openapi.o: \
    schema/openapi.json

fuzz: fuzz-build
	@for f in $(FUZZ_BIN); do \
	    n=$${f##*/}; mkdir -p $(FUZZ_OUT)/corpus/$$n; \
	    echo "== $$n ($(FUZZ_SECONDS) s)"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=1024 \
	        $(FUZZ_OUT)/corpus/$$n tests/fuzz/corpus/$$n || exit 1; \
	done

# --- benchmarks, demo ------------------------------------------------------

bench: all static-agent
	@sh tests/deps.sh build bench
	@STATIC_BINDIR=$(abspath $(STATIC_BINDIR)) sh tests/bench/run.sh "$(BINDIR)"

demo: all
	@sh tests/demo.sh "$(BINDIR)"

# --- install ---------------------------------------------------------------

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(AGENT_BIN) $(COLLECTOR_BIN) $(DESTDIR)$(PREFIX)/bin/
	@if [ -f deploy/install.mk ]; then \
	    $(MAKE) --no-print-directory -f deploy/install.mk \
	        PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) install; fi

lint:
	@sh tests/lint.sh

# print-bindir: where this BUILD's release binaries are (for scripts).
print-bindir:
	@echo $(abspath $(BINDIR))

clean:
	rm -rf build bin

include deploy/static/static.mk
# The static collector embeds the API description too (collector/api/openapi.c;
# the rule is here: a change to static.mk rebuilds the bundled libraries).
$(STATIC_OBJ)/collector/api/openapi.o: schema/openapi.json
# schema.c embeds PostgreSQL's schema too (static.mk names collector.sql)
$(STATIC_OBJ)/collector/store/schema.o: schema/collector.pg.sql
$(STATIC_OBJ)/collector/store/migrate_steps.o: $(wildcard schema/migrations/*.sql)
include tests/oldkernel/oldkernel.mk
-include deploy/packages.mk
# Dependency files only (not the bundled libraries' sources that make
# static unpacks, nor the package tests' cached system roots).
-include $(shell find $(BUILD) \( -path '*/static/src' -o \
             -path $(BUILD)/roots \) -prune -o -type f -name '*.d' \
             -print 2>/dev/null)
