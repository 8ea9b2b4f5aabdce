#!/bin/sh
# mkroot.sh KIND DIR - build a fake host root for `spoolwatch-agent --root`.
#
# KIND: incident         the SPEC's RHEL 5 host: clientmqueue root:root 0755
#                        with a bloated directory, orphans and an old queue,
#                        SYSERRs in maillog, unread cron mail for root, MTA
#                        down
#       healthy-sendmail a correct sendmail host
#       healthy-postfix  a correct postfix host
#       broken-postfix   postfix with a wrong maildrop and a backlog
# Real ownership and modes are set (run as root, as CI does).  Each part
# of the tree is written by its own function below.
set -eu
kind=$1 dir=$2
mkdir -p "$dir"

# spool_part KIND DIR: etc/passwd, etc/group, etc/hostname, etc/mail/*.cf or
# etc/postfix/main.cf, the spool directories, proc/ files for the MTA.
spool_part() {
	:
}

# logs_part KIND DIR: var/log/maillog (and messages) with the kind's lines.
logs_part() {
	:
}

# mail_part KIND DIR: mailboxes and queue files (qf/df) of the kind.
mail_part() {
	:
}

case $kind in
incident|healthy-sendmail|healthy-postfix|broken-postfix) ;;
*) echo "mkroot.sh: unknown kind '$kind'" >&2; exit 2 ;;
esac
spool_part "$kind" "$dir"
logs_part "$kind" "$dir"
mail_part "$kind" "$dir"
