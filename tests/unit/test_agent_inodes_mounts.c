/*
 * test_agent_inodes_mounts.c - /proc/self/mounts lines: fields, octal
 * escapes, short lines; pseudo and network filesystem types; options.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "agent/probe/mounts.h"

static void
test_parse(void **state)
{
	struct mount_entry m;
	char line[256];

	(void)state;
	strcpy(line, "/dev/vda / ext4 rw,relatime,discard 0 0\n");
	assert_int_equal(mounts_parse_line(line, &m), 0);
	assert_string_equal(m.dev, "/dev/vda");
	assert_string_equal(m.dir, "/");
	assert_string_equal(m.type, "ext4");
	assert_string_equal(m.opts, "rw,relatime,discard");

	strcpy(line, "//srv/share\\040x /mnt/my\\040share\\011tab\\134 cifs "
	             "ro 0 0");
	assert_int_equal(mounts_parse_line(line, &m), 0);
	assert_string_equal(m.dev, "//srv/share x");
	assert_string_equal(m.dir, "/mnt/my share\ttab\\");
	assert_string_equal(m.opts, "ro");

	/* a newline in a mount point is escaped by the kernel too */
	strcpy(line, "tmpfs /a\\012b tmpfs rw 0 0");
	assert_int_equal(mounts_parse_line(line, &m), 0);
	assert_string_equal(m.dir, "/a\nb");

	/* not an escape: kept as is */
	strcpy(line, "x /a\\9b\\04 t o");
	assert_int_equal(mounts_parse_line(line, &m), 0);
	assert_string_equal(m.dir, "/a\\9b\\04");

	strcpy(line, "only three fields\n");
	assert_int_equal(mounts_parse_line(line, &m), -1);
	strcpy(line, "");
	assert_int_equal(mounts_parse_line(line, &m), -1);
	strcpy(line, "   \n");
	assert_int_equal(mounts_parse_line(line, &m), -1);
}

static void
test_kinds(void **state)
{
	(void)state;
	assert_true(mounts_is_pseudo("proc"));
	assert_true(mounts_is_pseudo("cgroup2"));
	assert_true(mounts_is_pseudo("fuse.lxcfs"));
	assert_false(mounts_is_pseudo("ext4"));
	assert_false(mounts_is_pseudo("tmpfs"));
	assert_false(mounts_is_pseudo("xfs"));
	assert_true(mounts_is_network("nfs"));
	assert_true(mounts_is_network("nfs4"));
	assert_true(mounts_is_network("cifs"));
	assert_true(mounts_is_network("fuse.sshfs"));
	assert_false(mounts_is_network("ext4"));
	assert_false(mounts_is_network("nfsd"));
}

static void
test_opts(void **state)
{
	(void)state;
	assert_true(mounts_has_opt("ro,relatime", "ro"));
	assert_true(mounts_has_opt("rw,noatime,ro", "ro"));
	assert_false(mounts_has_opt("rw,errors=remount-ro", "ro"));
	assert_false(mounts_has_opt("", "ro"));
	assert_false(mounts_has_opt("rox", "ro"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_kinds),
	    cmocka_unit_test(test_opts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
