# packages.mk - make deb, make rpm (included by the top Makefile).
#
#   make deb   dpkg-deb: spoolwatch, spoolwatch-agent, spoolwatch-collector
#              (.deb files in $(PKGDIR)); see deploy/deb/mkdeb.sh.
#   make rpm   rpmbuild (Debian's "rpm" package works): a source tarball
#              of this tree, then deploy/rpm/spoolwatch.spec twice into
#              $(PKGDIR): the el7 set (systemd; RHEL 7-10) and the el5 set
#              (SysV, gzip payload, MD5 digests; RHEL 5 and 6).  On an
#              RHEL host "rpmbuild -ta" on the tarball builds the set for
#              that host from source.
#
# Both package the static binaries of "make static" (PKG_AGENT_BIN,
# PKG_COLLECTOR_BIN: this BUILD's bin/static/*), which run on every
# target and need no library.
# The Debian Maintainer comes from deploy/deb/changelog; RPM_PACKAGER
# is the RPMs' Packager tag.

PKGDIR        ?= $(BUILD)/pkg
PKG_AGENT_BIN     ?= $(STATIC_AGENT)
PKG_COLLECTOR_BIN ?= $(STATIC_COLLECTOR)
RPMTOP        := $(BUILD)/rpmbuild
RPM_FLAVOURS  ?= el7 el5
RPM_PACKAGER  ?= spoolwatch developers <spoolwatch@example.org>
SRC_TARBALL   := $(PKGDIR)/spoolwatch-$(VERSION).tar.gz

.PHONY: deb rpm dist

deb: $(PKG_AGENT_BIN) $(PKG_COLLECTOR_BIN)
	@command -v dpkg-deb >/dev/null || { echo "make deb needs dpkg-deb" >&2; exit 1; }
	@sh deploy/deb/mkdeb.sh $(VERSION) $(PKG_AGENT_BIN) $(PKG_COLLECTOR_BIN) $(PKGDIR)

# dist: the tracked and new (not ignored) files of the work tree; outside
# a git checkout (an unpacked tarball), everything but the build output.
dist:
	@mkdir -p $(PKGDIR)
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	    git ls-files -co --exclude-standard -z | \
	    tar --null -T - --transform 's|^|spoolwatch-$(VERSION)/|' \
	        --owner=0 --group=0 --mtime=@0 -czf $(SRC_TARBALL); \
	else \
	    find . \( -path ./build -o -path ./bin -o -path ./tests/out \
	        -o -path './$(PKGDIR)' -o -name '*.db' \) -prune \
	        -o -type f -print0 | \
	    tar --null -T - --transform 's|^\./|spoolwatch-$(VERSION)/|' \
	        --owner=0 --group=0 --mtime=@0 -czf $(SRC_TARBALL); \
	fi
	@echo $(SRC_TARBALL)


# --nodeps: on Debian the RPM database does not know the BuildRequires
# (there are none with prebuilt binaries but the check reads the db).
# MAKEFLAGS must not leak (BUILD=... would redirect an inner build).
rpm: dist $(PKG_AGENT_BIN) $(PKG_COLLECTOR_BIN)
	@command -v rpmbuild >/dev/null || { echo "make rpm needs rpmbuild (apt-get install rpm)" >&2; exit 1; }
	@rm -rf $(RPMTOP)
	@mkdir -p $(RPMTOP)/SOURCES
	@cp $(SRC_TARBALL) $(RPMTOP)/SOURCES/
	@for f in $(RPM_FLAVOURS); do \
	    case $$f in el5) fl="--with sysvinit" ;; *) fl= ;; esac; \
	    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL rpmbuild -bb --nodeps $$fl \
	        --define "_topdir $(abspath $(RPMTOP))" \
	        --define "dist .$$f" \
	        --define "version_override $(VERSION)" \
	        --define "packager $(RPM_PACKAGER)" \
	        --define "prebuilt_agent $(abspath $(PKG_AGENT_BIN))" \
	        --define "prebuilt_collector $(abspath $(PKG_COLLECTOR_BIN))" \
	        --define "_build_id_links none" \
	        deploy/rpm/spoolwatch.spec >$(RPMTOP)/build-$$f.log 2>&1 || \
	        { tail -n 40 $(RPMTOP)/build-$$f.log >&2; exit 1; }; \
	done
	@find $(RPMTOP)/RPMS -name '*.rpm' -exec cp {} $(PKGDIR)/ \; -exec sh -c \
	    'echo "$(PKGDIR)/$${1##*/}"' _ {} \;
