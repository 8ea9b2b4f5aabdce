/*
 * maildir_collect.h - the watched users' Maildirs as mail.mailboxes[]
 * entries: $HOME/Maildir (or the directory postfix's home_mailbox
 * names, "Maildir/" by convention) of root and the watched users, and
 * the Maildirs named in [mail] maildirs (their owner is the user).
 * Each is read incrementally (maildir.c), its state staged under
 * "maildir:<host path>".
 */
#ifndef SPOOLWATCH_MAILDIR_COLLECT_H
#define SPOOLWATCH_MAILDIR_COLLECT_H

#include <jansson.h>

struct accounts;
struct cycle;
struct mail_config;

/*
 * maildir_collect - append the Maildir entries to boxes.  watched says
 * whether a user's mail is to be read (the mbox rules: root, the
 * configured users or the system accounts).
 */
void maildir_collect(struct cycle *c, const struct mail_config *cfg,
                     const struct accounts *acc,
                     int (*watched)(const char *name, void *arg), void *arg,
                     json_t *boxes);

#endif
