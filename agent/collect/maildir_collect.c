/*
 * maildir_collect.c - which Maildirs to read, and reading them (see
 * maildir_collect.h).  Reads ROOT/etc/postfix/main.cf (home_mailbox) and
 * the Maildirs; what cannot be read is an errors[] entry.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/probe/accounts.h"
#include "agent/cycle.h"
#include "agent/collect/mail.h"
#include "agent/collect/maildir.h"
#include "agent/collect/maildir_collect.h"
#include "agent/parse/mbox.h"
#include "agent/probe/mtaconf.h"
#include "agent/ship/state.h"
#include "common/fsutil.h"

/* home_mailbox - postfix's home_mailbox when it names a directory
 * ("Maildir/"), else "Maildir" */
static void
home_mailbox(struct cycle *c, char *out, size_t n)
{
	char path[PATH_MAX], why[256], val[256], *text;

	snprintf(out, n, "Maildir");
	if (root_path(path, sizeof(path), c->root, "/etc/postfix/main.cf") ==
	        -1 ||
	    read_file_capped(path, &text, 4u << 20, why, sizeof(why)) < 0)
		return;
	if (mtaconf_main_cf(text, "home_mailbox", val, sizeof(val)) == 0 &&
	    val[0] != '\0' && val[0] != '/' && val[strlen(val) - 1] == '/' &&
	    strstr(val, "..") == NULL) {
		val[strlen(val) - 1] = '\0';
		snprintf(out, n, "%s", val);
	}
	free(text);
}

static void
read_one(struct cycle *c, const struct mail_config *cfg, const char *host,
         const char *user, json_t *boxes)
{
	struct maildir_opts o;
	struct maildir_note note;
	char key[PATH_MAX + 16], err[512];
	json_t *entry, *st = NULL;
	int mfd;

	/* every component inside --root; the Maildir itself not a link (a
	 * user's ~/Maildir -> another user's) */
	mfd = root_open(c->root, host,
	                O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK);
	if (mfd == -1)
		return;
	if (!maildir_is(mfd)) {
		close(mfd);
		return;
	}
	if (json_array_size(boxes) >= MAIL_MAX_MAILBOXES) {
		cycle_error(c, host,
		            "more than %d mailboxes to read: this Maildir is "
		            "left out",
		            MAIL_MAX_MAILBOXES);
		close(mfd);
		return;
	}
	o.now = c->now;
	o.max_jobs = (size_t)cfg->max_cron_jobs;
	o.max_files = MAILDIR_DEF_FILES;
	o.excerpt_max = MBOX_EXCERPT;
	snprintf(key, sizeof(key), "maildir:%s", host);
	entry = maildir_read(mfd, host, user, state_get(c->state, key), &o,
	                     &st, &note, err, sizeof(err));
	close(mfd);
	if (entry == NULL) {
		cycle_error(c, host, "Maildir: %s", err);
		return;
	}
	json_object_set_new(entry, "parsed",
	                    json_integer((json_int_t)note.parsed));
	if (note.skipped > 0)
		cycle_error(c, host,
		            "%llu Maildir file%s not read (not a regular file "
		            "with one link owned by the user); the first: %s",
		            note.skipped, note.skipped == 1 ? "" : "s",
		            note.first_skip);
	if (note.counted > 0)
		cycle_error(c, host,
		            "%llu messages beyond the %d remembered were only "
		            "counted",
		            note.counted, MAILDIR_DEF_FILES);
	json_array_append_new(boxes, entry);
	state_put(c->state, key, st);
}

void
maildir_collect(struct cycle *c, const struct mail_config *cfg,
                const struct accounts *acc,
                int (*watched)(const char *name, void *arg), void *arg,
                json_t *boxes)
{
	char sub[256], host[PATH_MAX];
	size_t n = accounts_user_count(acc);

	home_mailbox(c, sub, sizeof(sub));
	for (size_t i = 0; i < n; i++) {
		const struct account_user *u = accounts_user_at(acc, i);
		if (u->home == NULL || u->home[0] != '/' ||
		    !watched(u->name, arg))
			continue;
		if (snprintf(host, sizeof(host), "%s/%s",
		             strcmp(u->home, "/") == 0 ? "" : u->home,
		             sub) >= (int)sizeof(host))
			continue;
		read_one(c, cfg, host, u->name, boxes);
	}
	for (size_t i = 0; i < cfg->maildirs.n; i++) {
		const char *p = cfg->maildirs.v[i];
		const struct account_user *u;
		struct stat st;
		int fd = root_open(c->root, p, O_RDONLY | O_DIRECTORY);

		if (fd == -1 || fstat(fd, &st) == -1) {
			cycle_error(c, p, "[mail] maildirs: not there");
			if (fd != -1)
				close(fd);
			continue;
		}
		close(fd);
		u = accounts_user_by_uid(acc, st.st_uid);
		read_one(c, cfg, p, u ? u->name : "root", boxes);
	}
}
