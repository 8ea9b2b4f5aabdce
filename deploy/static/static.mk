# static.mk - `make static`: bin/static/spoolwatch-agent and
# bin/static/spoolwatch-collector, statically linked against musl and
# the libraries that deploy/static/build-deps.sh builds from Debian's
# source packages.  Included from the top Makefile; uses its source
# lists (AGENT_SRC, COLLECTOR_SRC, COMMON_SRC, GEN_SRC) and WARN.
#
# Cache: $(BUILD)/static/{src,prefix} hold the libraries (built once),
# $(BUILD)/static/obj the objects; a second `make static` compiles only
# what changed in the tree.

STATIC_OUT    := $(BUILD)/static
STATIC_PREFIX := $(STATIC_OUT)/prefix
STATIC_OBJ    := $(STATIC_OUT)/obj
STATIC_BINDIR := $(if $(filter build,$(BUILD)),bin/static,$(STATIC_OUT)/bin)
STATIC_AGENT     := $(STATIC_BINDIR)/spoolwatch-agent
STATIC_COLLECTOR := $(STATIC_BINDIR)/spoolwatch-collector

STATIC_AGENT_LIBS     := zlib jansson mbedtls curl
STATIC_COLLECTOR_LIBS := zlib jansson mbedtls curl libmicrohttpd sqlite3

STATIC_CC      := musl-gcc
STATIC_CFLAGS  := -std=c11 $(WARN) -O2 -g0 -fstack-protector-strong \
                  -ffunction-sections -fdata-sections -MMD -MP \
                  -D_GNU_SOURCE -DSPOOLWATCH_VERSION='"$(VERSION)"' \
                  -DSPOOLWATCH_STATIC -DSPOOLWATCH_TLS_MBEDTLS -DCURL_STATICLIB -I. \
                  -I$(STATIC_PREFIX)/include
STATIC_LDFLAGS := -static -s -Wl,--gc-sections -L$(STATIC_PREFIX)/lib
STATIC_AGENT_LDLIBS     := -lcurl -lmbedtls -lmbedx509 -lmbedcrypto \
                           -ljansson -lz -lm -lpthread
# The collector reaches mbedTLS only through libcurl (notifications), so
# its entropy source in common/tls.c is pulled in by name (-u).
STATIC_COLLECTOR_LDLIBS := -lmicrohttpd -lsqlite3 -lcurl -lmbedtls -lmbedx509 \
                           -lmbedcrypto -ljansson -lz -lm -lpthread

sobj = $(patsubst %.c,$(STATIC_OBJ)/%.o,$(1))
STATIC_COMMON_OBJ    := $(call sobj,$(COMMON_SRC))
STATIC_AGENT_OBJ     := $(call sobj,$(filter-out agent/main.c,$(AGENT_SRC)))
STATIC_COLLECTOR_OBJ := $(call sobj,$(filter-out collector/main.c,$(COLLECTOR_SRC))) \
                        $(patsubst $(OUT)/%.o,$(STATIC_OBJ)/%.o,$(GEN_OBJ))

.PHONY: static static-agent static-collector static-deps

static: static-agent static-collector
static-agent: $(STATIC_AGENT)
static-collector: $(STATIC_COLLECTOR)

static-deps:
	@sh deploy/static/deps.sh

# The libraries: one recipe for both sets, run again only for a set
# whose stamps or versions header are missing.
$(STATIC_PREFIX)/agent-versions.h: deploy/static/build-deps.sh \
    deploy/static/static.mk
	@sh deploy/static/deps.sh
	@sh deploy/static/build-deps.sh $(STATIC_OUT) agent $(STATIC_AGENT_LIBS)
$(STATIC_PREFIX)/collector-versions.h: deploy/static/build-deps.sh \
    deploy/static/static.mk $(STATIC_PREFIX)/agent-versions.h
	@sh deploy/static/build-deps.sh $(STATIC_OUT) collector \
	    $(STATIC_COLLECTOR_LIBS)

# Every object needs the agent's headers; the collector's own objects
# (and its main) those of libmicrohttpd and SQLite too.
$(STATIC_OBJ)/%.o: %.c | $(STATIC_PREFIX)/agent-versions.h
	@mkdir -p $(dir $@)
	$(STATIC_CC) $(STATIC_CFLAGS) -c -o $@ $<
$(STATIC_OBJ)/collector/%.o: collector/%.c | $(STATIC_PREFIX)/collector-versions.h
	@mkdir -p $(dir $@)
	$(STATIC_CC) $(STATIC_CFLAGS) -c -o $@ $<
$(STATIC_OBJ)/agent/main.o: agent/main.c $(STATIC_PREFIX)/agent-versions.h
	@mkdir -p $(dir $@)
	$(STATIC_CC) $(STATIC_CFLAGS) -include $(STATIC_PREFIX)/agent-versions.h \
	    -c -o $@ $<
$(STATIC_OBJ)/collector/main.o: collector/main.c \
    $(STATIC_PREFIX)/collector-versions.h
	@mkdir -p $(dir $@)
	$(STATIC_CC) $(STATIC_CFLAGS) \
	    -include $(STATIC_PREFIX)/collector-versions.h -c -o $@ $<
$(STATIC_OBJ)/collector/store/schema.o: schema/collector.sql
# generated sources (the dashboard's assets) come from $(OUT)/gen; like
# every object, they wait for the deps step that installs musl-gcc
$(STATIC_OBJ)/gen/%.o: $(OUT)/gen/%.c | $(STATIC_PREFIX)/collector-versions.h
	@mkdir -p $(dir $@)
	$(STATIC_CC) $(STATIC_CFLAGS) -c -o $@ $<

$(STATIC_OBJ)/libcommon.a: $(STATIC_COMMON_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^
$(STATIC_OBJ)/libagent.a: $(STATIC_AGENT_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^
$(STATIC_OBJ)/libcollector.a: $(STATIC_COLLECTOR_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(STATIC_AGENT): $(STATIC_OBJ)/agent/main.o $(STATIC_OBJ)/libagent.a \
    $(STATIC_OBJ)/libcommon.a
	@mkdir -p $(dir $@)
	$(STATIC_CC) $(STATIC_LDFLAGS) -o $@ $^ $(STATIC_AGENT_LDLIBS)
$(STATIC_COLLECTOR): $(STATIC_OBJ)/collector/main.o \
    $(STATIC_OBJ)/libcollector.a $(STATIC_OBJ)/libcommon.a
	@mkdir -p $(dir $@)
	$(STATIC_CC) $(STATIC_LDFLAGS) -Wl,-u,mbedtls_hardware_poll -o $@ $^ \
	    $(STATIC_COLLECTOR_LDLIBS)

# print-static-bindir: where this BUILD's static binaries are.
print-static-bindir:
	@echo $(abspath $(STATIC_BINDIR))
