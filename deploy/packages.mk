# packages.mk - make deb, make rpm (included by the top Makefile).
#
#   make deb   dpkg-deb: spoolwatch, spoolwatch-agent, spoolwatch-collector
#              (.deb files in $(PKGDIR)), built from this tree's release
#              binaries; see deploy/deb/mkdeb.sh.
#   make rpm   rpmbuild (Debian's "rpm" package works): a source tarball
#              of this tree, then the binary RPMs from deploy/rpm/
#              spoolwatch.spec into $(PKGDIR).  RPMBUILD_FLAGS="--with
#              sysvinit" builds the RHEL 5/6 flavour with init scripts.
#              On an RHEL host "rpmbuild -ta" on the tarball does the same.

PKGDIR        ?= $(BUILD)/pkg
RPMTOP        := $(BUILD)/rpmbuild
RPMBUILD_FLAGS ?=
SRC_TARBALL   := $(PKGDIR)/spoolwatch-$(VERSION).tar.gz

.PHONY: deb rpm dist

deb: $(AGENT_BIN) $(COLLECTOR_BIN)
	@command -v dpkg-deb >/dev/null || { echo "make deb needs dpkg-deb" >&2; exit 1; }
	@sh deploy/deb/mkdeb.sh $(VERSION) $(AGENT_BIN) $(COLLECTOR_BIN) $(PKGDIR)

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

# --nodeps: on Debian the RPM database does not know the BuildRequires.
# MAKEFLAGS must not leak (BUILD=... would redirect the inner build).
rpm: dist
	@command -v rpmbuild >/dev/null || { echo "make rpm needs rpmbuild (apt-get install rpm)" >&2; exit 1; }
	@rm -rf $(RPMTOP)
	@mkdir -p $(RPMTOP)/SOURCES
	@cp $(SRC_TARBALL) $(RPMTOP)/SOURCES/
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL rpmbuild -bb --nodeps $(RPMBUILD_FLAGS) \
	    --define "_topdir $(abspath $(RPMTOP))" \
	    --define "version_override $(VERSION)" \
	    --define "_build_id_links none" \
	    deploy/rpm/spoolwatch.spec >$(RPMTOP)/build.log 2>&1 || \
	    { tail -n 40 $(RPMTOP)/build.log >&2; exit 1; }
	@find $(RPMTOP)/RPMS -name '*.rpm' -exec cp {} $(PKGDIR)/ \; -exec sh -c \
	    'echo "$(PKGDIR)/$${1##*/}"' _ {} \;
