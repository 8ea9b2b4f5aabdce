# install.mk - install everything but the two binaries (the top Makefile
# installs those, then runs: make -f deploy/install.mk PREFIX= DESTDIR=
# install).  Also used by make deb / make rpm and the RPM spec.
#
#   PREFIX        /usr/local       binaries in PREFIX/bin (the units and
#                                  init scripts are rewritten to match)
#   SYSCONFDIR    /etc             SYSCONFDIR/spoolwatch/{agent,collector}.conf
#   UNITDIR       PREFIX/lib/systemd/system
#   INITDIR       SYSCONFDIR/init.d
#   SYSVCONFDIR   SYSCONFDIR/sysconfig   (Debian: SYSCONFDIR/default)
#   LOGROTATEDIR  SYSCONFDIR/logrotate.d (with the SysV scripts: their logs)
#   WITH_SYSTEMD, WITH_SYSVINIT    yes/no
#
# The configuration files are installed only when absent, so that a
# reinstall never overwrites an operator's settings; the pristine
# examples always go to DOCDIR/examples.  They are mode 0640 and, when
# the spoolwatch group exists and DESTDIR is empty, group spoolwatch (the
# services' user must read them; they may hold tokens).

PREFIX       ?= /usr/local
DESTDIR      ?=
SYSCONFDIR   ?= /etc
# Not BINDIR: the top Makefile uses that name for its build output.
bindir       := $(PREFIX)/bin
MANDIR       ?= $(PREFIX)/share/man
DATADIR      ?= $(PREFIX)/share/spoolwatch
DOCDIR       ?= $(PREFIX)/share/doc/spoolwatch
UNITDIR      ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR  ?= $(PREFIX)/lib/sysusers.d
INITDIR      ?= $(SYSCONFDIR)/init.d
SYSVCONFDIR  ?= $(SYSCONFDIR)/sysconfig
LOGROTATEDIR ?= $(SYSCONFDIR)/logrotate.d
WITH_SYSTEMD  ?= yes
WITH_SYSVINIT ?= yes
# "no": the examples only, no /etc/spoolwatch/*.conf (for hosts whose
# configuration management writes those files).
INSTALL_CONFIG ?= yes

D := deploy
INSTALL ?= install

# The sources name /usr/bin and /etc; rewrite them to this install's.
REWRITE = sed -e 's|/usr/bin/spoolwatch-|$(bindir)/spoolwatch-|g' \
              -e 's|/etc/spoolwatch/|$(SYSCONFDIR)/spoolwatch/|g'

MAN8 := $(D)/man/spoolwatch-agent.8 $(D)/man/spoolwatch-collector.8
MAN5 := $(D)/man/spoolwatch.conf.5
CONFIGS := agent collector

.PHONY: install install-man install-config install-systemd install-sysvinit \
        install-data

install: install-man install-config install-data
ifeq ($(WITH_SYSTEMD),yes)
install: install-systemd
endif
ifeq ($(WITH_SYSVINIT),yes)
install: install-sysvinit
endif

install-man:
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/

install-config:
	$(INSTALL) -d $(DESTDIR)$(DOCDIR)/examples
	for c in $(CONFIGS); do \
	    $(INSTALL) -m 0644 $(D)/$$c.conf.example \
	        $(DESTDIR)$(DOCDIR)/examples/$$c.conf || exit 1; \
	done
ifeq ($(INSTALL_CONFIG),yes)
	$(INSTALL) -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/spoolwatch
	@for c in $(CONFIGS); do \
	    f=$(DESTDIR)$(SYSCONFDIR)/spoolwatch/$$c.conf; \
	    if [ -e "$$f" ]; then \
	        echo "keeping existing $$f"; continue; fi; \
	    echo "installing $$f"; \
	    $(INSTALL) -m 0640 $(D)/$$c.conf.example "$$f" || exit 1; \
	    if [ -z "$(DESTDIR)" ] && getent group spoolwatch >/dev/null; then \
	        chgrp spoolwatch "$$f" || exit 1; fi; \
	done
endif

install-data:
	$(INSTALL) -d $(DESTDIR)$(DATADIR)/grafana
	$(INSTALL) -m 0644 $(D)/grafana/spoolwatch-dashboard.json \
	    $(DESTDIR)$(DATADIR)/grafana/

install-systemd:
	$(INSTALL) -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	for u in spoolwatch-agent spoolwatch-collector; do \
	    $(REWRITE) $(D)/systemd/$$u.service >$(DESTDIR)$(UNITDIR)/$$u.service \
	        && chmod 0644 $(DESTDIR)$(UNITDIR)/$$u.service || exit 1; \
	done
	$(INSTALL) -m 0644 $(D)/systemd/spoolwatch.sysusers \
	    $(DESTDIR)$(SYSUSERSDIR)/spoolwatch.conf

install-sysvinit:
	$(INSTALL) -d $(DESTDIR)$(INITDIR) $(DESTDIR)$(SYSVCONFDIR) \
	    $(DESTDIR)$(LOGROTATEDIR)
	$(INSTALL) -m 0644 $(D)/logrotate/spoolwatch-agent \
	    $(D)/logrotate/spoolwatch-collector $(DESTDIR)$(LOGROTATEDIR)/
	for s in spoolwatch-agent spoolwatch-collector; do \
	    $(REWRITE) $(D)/sysvinit/$$s >$(DESTDIR)$(INITDIR)/$$s \
	        && chmod 0755 $(DESTDIR)$(INITDIR)/$$s || exit 1; \
	    if [ -e $(DESTDIR)$(SYSVCONFDIR)/$$s ]; then \
	        echo "keeping existing $(DESTDIR)$(SYSVCONFDIR)/$$s"; \
	    else \
	        $(INSTALL) -m 0644 $(D)/sysvinit/$$s.sysconfig \
	            $(DESTDIR)$(SYSVCONFDIR)/$$s || exit 1; \
	    fi; \
	done
