# oldkernel.mk - the tests' old-kernel launcher (tests/oldkernel/oldkernel.c,
# libseccomp).  Included from the top Makefile; built by make check.

OLDKERNEL := $(BUILD)/tests/oldkernel

.PHONY: oldkernel-build print-oldkernel
oldkernel-build: $(OLDKERNEL)

$(OLDKERNEL): tests/oldkernel/oldkernel.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARN) -O2 -D_GNU_SOURCE -o $@ $< \
	    $(shell pkg-config --cflags --libs libseccomp 2>/dev/null || echo -lseccomp)

print-oldkernel:
	@echo $(abspath $(OLDKERNEL))
