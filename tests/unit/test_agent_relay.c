/*
 * test_agent_relay.c - the small relays: which MTA /usr/sbin/sendmail
 * is (the links and files of the Debian 12 packages nullmailer 2.2, dma
 * 0.13, msmtp-mta 1.8.23, a RHEL alternatives chain), their smarthost
 * configuration, their queue files (nullmailer-queue(8) format, dma's Q
 * and M files) and the message headers that name the cron job.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <ftw.h>
#include <cmocka.h>

#include "agent/collect/mailq.h"
#include "agent/parse/msghdr.h"
#include "agent/probe/relay.h"
#include "agent/collect/relayq.h"
#include "common/fsutil.h"

static char root[256];

/* rm_tree - remove a scratch directory and what is in it */
static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
put(const char *path, const char *text)
{
	char p[1024], dir[1024];
	FILE *fp;

	snprintf(p, sizeof(p), "%s%s", root, path);
	snprintf(dir, sizeof(dir), "%s", p);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0755), 0);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
link_(const char *target, const char *path)
{
	char p[1024], dir[1024];

	snprintf(p, sizeof(p), "%s%s", root, path);
	snprintf(dir, sizeof(dir), "%s", p);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0755), 0);
	unlink(p);
	assert_int_equal(symlink(target, p), 0);
}

static void
fresh_root(void)
{
	static int k;
	if (root[0] != '\0')
		rm_tree(root);
	snprintf(root, sizeof(root), "/tmp/sw-relay-%d-%d", (int)getpid(), k++);
	assert_int_equal(mkdir_p(root, 0755), 0);
}

static void
test_detect(void **state)
{
	struct relay_info ri;

	(void)state;
	/* msmtp-mta: /usr/sbin/sendmail -> ../bin/msmtp */
	fresh_root();
	put("/usr/bin/msmtp", "ELF msmtp");
	link_("../bin/msmtp", "/usr/sbin/sendmail");
	assert_int_equal(relay_detect(root, &ri), 0);
	assert_string_equal(ri.kind, "msmtp");
	assert_string_equal(ri.how, "symlink");
	assert_string_equal(ri.target, "/usr/bin/msmtp");

	/* dma: sendmail -> dma (relative, same directory) */
	fresh_root();
	put("/usr/sbin/dma", "ELF");
	link_("dma", "/usr/sbin/sendmail");
	assert_int_equal(relay_detect(root, &ri), 0);
	assert_string_equal(ri.kind, "dma");

	/* RHEL alternatives: absolute links, resolved under the root */
	fresh_root();
	put("/usr/sbin/sendmail.postfix", "ELF");
	link_("/usr/sbin/sendmail.postfix", "/etc/alternatives/mta");
	link_("/etc/alternatives/mta", "/usr/sbin/sendmail");
	assert_int_equal(relay_detect(root, &ri), 0);
	assert_string_equal(ri.kind, "postfix");
	assert_string_equal(ri.target, "/usr/sbin/sendmail.postfix");

	/* nullmailer: a real binary, owned by the package */
	fresh_root();
	put("/usr/sbin/sendmail", "ELF ... no name here");
	put("/var/lib/dpkg/info/nullmailer.list",
	    "/.\n/usr\n/usr/sbin\n/usr/sbin/nullmailer-queue\n"
	    "/usr/sbin/sendmail\n");
	assert_int_equal(relay_detect(root, &ri), 0);
	assert_string_equal(ri.kind, "nullmailer");
	assert_string_equal(ri.how, "package");

	/* no package list: the name inside the binary */
	fresh_root();
	put("/usr/sbin/sendmail", "\x7f"
	                          "ELF\1 ... sSMTP %s ...");
	assert_int_equal(relay_detect(root, &ri), 0);
	assert_string_equal(ri.kind, "ssmtp");
	assert_string_equal(ri.how, "binary");

	/* none at all; a dangling link; a loop; a link climbing out */
	fresh_root();
	assert_int_equal(relay_detect(root, &ri), 0);
	assert_string_equal(ri.kind, "");
	link_("/nonexistent/msmtp", "/usr/sbin/sendmail");
	assert_int_equal(relay_detect(root, &ri), 0);
	assert_string_equal(ri.kind, "");
	link_("/usr/sbin/sendmail", "/usr/sbin/sendmail");
	assert_int_equal(relay_detect(root, &ri), 0);
	assert_string_equal(ri.kind, "");
	put("/usr/bin/msmtp", "x");
	link_("../../../../../../usr/bin/msmtp", "/usr/sbin/sendmail");
	assert_int_equal(relay_detect(root, &ri), 0);
	assert_string_equal(ri.target, "/usr/bin/msmtp"); /* inside root */
}

static void
test_config(void **state)
{
	struct relay_conf rc;

	(void)state;
	fresh_root();
	assert_int_equal(relay_config(root, "nullmailer", &rc), 0);
	assert_int_equal(rc.state, RELAY_CONF_NONE);
	put("/etc/nullmailer/remotes", "# the smarthost\n\n  smtp.example.com "
	                               "smtp --port=587 --starttls\n");
	assert_int_equal(relay_config(root, "nullmailer", &rc), 0);
	assert_int_equal(rc.state, RELAY_CONF_SET);
	assert_string_equal(rc.relay, "smtp.example.com");

	assert_int_equal(relay_config(root, "msmtp", &rc), 0);
	assert_int_equal(rc.state, RELAY_CONF_NONE);
	assert_string_equal(rc.file, "/etc/msmtprc");
	put("/root/.msmtprc", "defaults\ntls on\naccount default\n"
	                      "host mail.example.org\nport 587\n");
	assert_int_equal(relay_config(root, "msmtp", &rc), 0);
	assert_string_equal(rc.relay, "mail.example.org");
	assert_string_equal(rc.file, "/root/.msmtprc");

	put("/etc/ssmtp/ssmtp.conf", "root=postmaster\nmailhub=mail\n");
	assert_int_equal(relay_config(root, "ssmtp", &rc), 0);
	assert_string_equal(rc.relay, "mail");
	assert_true(rc.package_default);

	assert_int_equal(relay_config(root, "dma", &rc), 0);
	assert_int_equal(rc.state, RELAY_CONF_DIRECT);
	put("/etc/dma/dma.conf", "#SMARTHOST x\nSMARTHOST relay.example.net\n");
	assert_int_equal(relay_config(root, "dma", &rc), 0);
	assert_int_equal(rc.state, RELAY_CONF_SET);
	assert_string_equal(rc.relay, "relay.example.net");
	assert_int_equal(relay_config(root, "postfix", &rc), -1);
}

static const char cron_msg[] =
    "Received: by host1 (sSMTP sendmail emulation)\n"
    "From: \"(Cron Daemon)\" <root@host1>\n"
    "To: root\n"
    "Subject: Cron <root@host1> /usr/local/bin/backup.sh\n"
    "  --full\n"
    "X-Cron-Env: <SHELL=/bin/sh>\n"
    "X-Cron-Env: <LOGNAME=root>\n"
    "Date: Sun, 15 Feb 2026 09:17:05 +0100\n"
    "\n"
    "rsync: connection unexpectedly closed\n";

static void
test_msghdr(void **state)
{
	struct msghdr h;
	struct cron_job cj;

	(void)state;
	msghdr_parse(cron_msg, strlen(cron_msg), &h);
	assert_true(h.complete);
	assert_int_equal(h.subject_len, strlen(h.subject));
	assert_string_equal(
	    h.subject, "Cron <root@host1> /usr/local/bin/backup.sh --full");
	assert_string_equal(h.cron_user, "root");
	assert_true(h.cron_env);
	assert_int_equal(h.date, 1771143425);
	assert_memory_equal(cron_msg + h.body, "rsync:", 6);
	assert_true(msghdr_cron(&h, &cj));
	assert_string_equal(cj.command, "/usr/local/bin/backup.sh --full");
	/* no end of headers, CRLF, nothing */
	msghdr_parse("Subject: x\r\nFrom: y", 19, &h);
	assert_false(h.complete);
	assert_string_equal(h.subject, "x");
	msghdr_parse("", 0, &h);
	assert_int_equal(h.date, -1);
}

/* scan_nm, scan_dma - the relay queue readers on the directory path */
static long long
scan_nm(struct mailq *q, const char *real, const char *host,
        const char *status, struct relayq_errs *e)
{
	int fd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	long long n;

	if (fd < 0)
		return -1;
	n = relayq_scan_nullmailer(q, fd, host, status, e);
	close(fd);
	return n;
}

static long long
scan_dma(struct mailq *q, const char *real, const char *host,
         struct relayq_errs *e)
{
	int fd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	long long n;

	if (fd < 0)
		return -1;
	n = relayq_scan_dma(q, fd, host, e);
	close(fd);
	return n;
}

static void
test_nullmailer_queue(void **state)
{
	struct relayq_env e;
	struct mailq_opts o = {1771200000, 100, 1 << 20};
	struct mailq *q;
	struct relayq_errs errs = {0};
	char real[1024], file[4096];
	json_t *d;
	const char *s;

	(void)state;
	s = "root@host1\nops@example.com\nroot@example.com\n\nFrom: x\n\nbody";
	assert_int_equal(relayq_nullmailer_parse(s, strlen(s), &e), 0);
	assert_memory_equal(e.from.p, "root@host1", e.from.n);
	assert_int_equal(e.nto, 2);
	assert_memory_equal(s + e.msg_off, "From: x", 7);
	s = "root@host1\n\nbody";
	assert_int_equal(relayq_nullmailer_parse(s, strlen(s), &e), -1);
	s = "root@host1\nops@x";
	assert_int_equal(relayq_nullmailer_parse(s, strlen(s), &e), -1);

	fresh_root();
	snprintf(file, sizeof(file), "root@host1\nroot@example.com\n\n%s",
	         cron_msg);
	put("/var/spool/nullmailer/failed/1771143425.4120", file);
	put("/var/spool/nullmailer/failed/junk", "no envelope here");
	link_("/etc/shadow", "/var/spool/nullmailer/failed/1771143426.1");
	q = mailq_new(&o);
	snprintf(real, sizeof(real), "%s/var/spool/nullmailer/failed", root);
	assert_int_equal(scan_nm(q, real,
	                                        "/var/spool/nullmailer/failed",
	                                        "failed", &errs),
	                 1);
	assert_int_equal(errs.n, 2); /* the junk file and the symlink */
	d = mailq_details(q);
	assert_int_equal(json_array_size(d), 1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(d, 0), "cron_command")),
	                    "/usr/local/bin/backup.sh --full");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(d, 0), "from")),
	    "root@host1");
	json_decref(d);
	mailq_free(q);
	snprintf(real, sizeof(real), "%s/var/spool/nullmailer/queue", root);
	q = mailq_new(&o);
	assert_int_equal(scan_nm(q, real, "q", "queued", &errs),
	                 -1);
	mailq_free(q);
}

static void
test_dma_queue(void **state)
{
	struct relayq_dma dq;
	struct mailq_opts o = {1771200000, 100, 1 << 20};
	struct relayq_errs errs = {0};
	struct mailq *q;
	char real[1024];
	json_t *d;
	const char *s;

	(void)state;
	s = "ID: 1a2b3c.55d0\nSender: root@host1\nRecipient: ops@example.com\n";
	assert_int_equal(relayq_dma_parse(s, strlen(s), &dq), 0);
	assert_memory_equal(dq.recipient.p, "ops@example.com", dq.recipient.n);
	assert_int_equal(relayq_dma_parse("Sender: x\n", 10, &dq), -1);

	fresh_root();
	put("/var/spool/dma/Q1a2b3c.55d0", s);
	put("/var/spool/dma/M1a2b3c", cron_msg);
	put("/var/spool/dma/Q9f9f9f.1", "ID: 9f9f9f.1\nSender: \n"
	                                "Recipient: root@host1\n");
	put("/var/spool/dma/tmp_abcdef", "being written");
	q = mailq_new(&o);
	snprintf(real, sizeof(real), "%s/var/spool/dma", root);
	assert_int_equal(scan_dma(q, real, "/var/spool/dma", &errs), 2);
	assert_int_equal(errs.n, 1); /* M9f9f9f is missing */
	assert_non_null(strstr(errs.first, "M9f9f9f"));
	d = mailq_details(q);
	assert_int_equal(json_array_size(d), 2);
	{
		int cron = 0;
		for (size_t i = 0; i < 2; i++) {
			json_t *c = json_object_get(json_array_get(d, i),
			                            "cron_command");
			if (json_is_string(c))
				cron +=
				    strcmp(json_string_value(c),
				           "/usr/local/bin/backup.sh --full") ==
				    0;
		}
		assert_int_equal(cron, 1);
	}
	json_decref(d);
	mailq_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_detect),
	    cmocka_unit_test(test_config),
	    cmocka_unit_test(test_msghdr),
	    cmocka_unit_test(test_nullmailer_queue),
	    cmocka_unit_test(test_dma_queue),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	if (root[0] != '\0')
		rm_tree(root);
	return rc;
}
