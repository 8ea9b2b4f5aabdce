#!/bin/sh
# mkroot_relays.sh KIND DIR - fake host roots for `spoolwatch-agent --root`
# with the journal, the small relays and Maildir.
#
# KIND: journal-only       Debian 12 without rsyslog: postfix, its mail
#                          lines (deferrals) and cron's only in the systemd
#                          journal, a real journal file written by
#                          systemd-journal-remote
#       journal-and-files  the same lines in the journal and in
#                          /var/log/mail.log (rsyslog): counted once
#       nullmailer-failed  nullmailer with its smarthost refusing: two cron
#                          mails in queue/, one given up in failed/,
#                          nullmailer-send's failures in mail.log
#       msmtp-norelay      cronie + msmtp-mta with no msmtprc at all: every
#                          cron mail is lost (cron says so in /var/log/cron)
#       no-mta             Debian cron on a host with no MTA at all
#       dma-deferred       dma with a smarthost that answers 451: a cron
#                          mail waiting in /var/spool/dma (Q and M files)
#       ssmtp-placeholder  ssmtp with the package's mailhub=mail
#       root-maildir       postfix with home_mailbox = Maildir/, root's
#                          Maildir holding unread cron mail
# Times are relative to now (the journal is read from the last interval).
# Run as root (CI does): ownership is set as the packages set it.
set -eu
kind=$1 dir=$2
mkdir -p "$dir/etc" "$dir/var/log" "$dir/var/spool" "$dir/usr/sbin" \
    "$dir/usr/bin" "$dir/var/lib/dpkg/info" "$dir/root"
now=$(date +%s)
host=host1

# base: passwd, group, os-release as Debian 12 has them
base() {
	cat >"$dir/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
PW
	cat >"$dir/etc/group" <<'GR'
root:x:0:
mail:x:8:
postfix:x:111:
postdrop:x:112:
GR
	printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' \
	    >"$dir/etc/os-release"
	echo "$host" >"$dir/etc/hostname"
	chmod 0644 "$dir/etc/passwd" "$dir/etc/group" "$dir/etc/hostname"
}

# stamp OFFSET: the syslog time OFFSET seconds before now (local time)
stamp() { date -d "@$((now - $1))" '+%b %e %H:%M:%S'; }

# export_entry OFFSET IDENT PID FACILITY MESSAGE: one entry of the journal
# export format (systemd.journal-fields(7), the Journal Export Format)
n_entry=0
export_entry() {
	n_entry=$((n_entry + 1))
	printf '__CURSOR=s=0;i=%d\n__REALTIME_TIMESTAMP=%d000000\n' \
	    "$n_entry" "$((now - $1))"
	printf '__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=6f1c9a2b3d4e5f60718293a4b5c6d7e8\n' \
	    "$n_entry"
	printf '_HOSTNAME=%s\nSYSLOG_IDENTIFIER=%s\n_PID=%s\n' "$host" "$2" "$3"
	printf 'SYSLOG_FACILITY=%s\nPRIORITY=6\nMESSAGE=%s\n\n' "$4" "$5"
}

# journal_write FILE: the export stream on stdin into a real journal file
journal_write() {
	mkdir -p "$(dirname "$1")"
	/lib/systemd/systemd-journal-remote -o "$1" - 2>/dev/null
	chmod 0640 "$1"
}

# postfix_lines EMIT: postfix deferrals and cron's lines, through EMIT
# (export_entry or a syslog file writer): name, offset, ident, pid,
# facility, message
postfix_lines() {
	_e=$1
	$_e 540 CRON 4121 9 '(root) CMD (/usr/local/bin/backup.sh)'
	$_e 530 postfix/pickup 881 2 '4F3A21C0B3: uid=0 from=<root>'
	$_e 529 postfix/smtp 902 2 '4F3A21C0B3: to=<ops@example.com>, relay=none, delay=1.2, delays=0.1/0/1.1/0, dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.10]:25: Connection refused)'
	$_e 300 postfix/smtp 903 2 '5A1B22D0C4: to=<ops@example.com>, relay=none, delay=0.9, delays=0.1/0/0.8/0, dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.10]:25: Connection refused)'
	$_e 200 systemd 1 3 'Started session-5.scope - Session 5 of User root.'
	$_e 120 postfix/qmgr 877 2 'warning: connect to transport private/smtp: Connection refused'
}

# syslog_line OFFSET IDENT PID FACILITY MESSAGE >> file: rsyslog's
# traditional format for the same entry
syslog_line() {
	[ "$4" = 3 ] && return 0
	printf '%s %s %s[%s]: %s\n' "$(stamp "$1")" "$host" "$2" "$3" "$5"
}

postfix_conf() {
	echo 'postfix:x:105:111::/var/spool/postfix:/usr/sbin/nologin' \
	    >>"$dir/etc/passwd"
	for q in maildrop deferred active incoming hold public corrupt \
	    bounce defer flush saved trace private pid; do
		mkdir -p "$dir/var/spool/postfix/$q"
		chmod 0700 "$dir/var/spool/postfix/$q"
	done
	mkdir -p "$dir/etc/postfix"
	printf 'myhostname = %s\nmail_spool_directory = /var/mail\n%s' \
	    "$host" "${1:-}" >"$dir/etc/postfix/main.cf"
	chown -R 105:0 "$dir/var/spool/postfix"
	chown 105:112 "$dir/var/spool/postfix/maildrop" \
	    "$dir/var/spool/postfix/public"
	chmod 0730 "$dir/var/spool/postfix/maildrop"
	chmod 0710 "$dir/var/spool/postfix/public"
	chmod 0755 "$dir/var/spool/postfix" "$dir/var/spool/postfix/pid"
	chown 0:0 "$dir/var/spool/postfix" "$dir/var/spool/postfix/pid"
	printf 'ELF ... postdrop ...\n' >"$dir/usr/sbin/sendmail"
	chmod 0755 "$dir/usr/sbin/sendmail"
	printf '/.\n/usr\n/usr/sbin\n/usr/sbin/postfix\n/usr/sbin/sendmail\n' \
	    >"$dir/var/lib/dpkg/info/postfix.list"
	mkdir -p "$dir/var/mail"
	chown 0:8 "$dir/var/mail"
	chmod 2775 "$dir/var/mail"
}

# cron_mail SUBJECT_CMD BODY DATE: a message as Debian's cron writes it
cron_mail() {
	printf 'From: root (Cron Daemon)\nTo: root\nSubject: Cron <root@%s> %s\n' \
	    "$host" "$1"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n'
	printf 'X-Cron-Env: <SHELL=/bin/sh>\nX-Cron-Env: <HOME=/root>\n'
	printf 'X-Cron-Env: <LOGNAME=root>\nDate: %s\n\n%s\n' "$3" "$2"
}

rfcdate() { LC_ALL=C date -d "@$((now - $1))" -R; }

base
case $kind in
journal-only|journal-and-files)
	postfix_conf
	postfix_lines export_entry |
	    journal_write "$dir/var/log/journal/0123456789abcdef0123456789abcdef/system.journal"
	if [ "$kind" = journal-and-files ]; then
		postfix_lines syslog_line >"$dir/var/log/mail.log"
		chmod 0640 "$dir/var/log/mail.log"
	fi
	;;
nullmailer-failed)
	q=$dir/var/spool/nullmailer
	mkdir -p "$q/queue" "$q/failed" "$q/tmp" "$dir/etc/nullmailer"
	echo 'smtp.example.com smtp --port=587 --starttls' \
	    >"$dir/etc/nullmailer/remotes"
	printf 'ELF ... nullmailer-queue ...\n' >"$dir/usr/sbin/sendmail"
	chmod 0755 "$dir/usr/sbin/sendmail"
	printf '/.\n/usr\n/usr/sbin\n/usr/sbin/nullmailer-queue\n/usr/sbin/sendmail\n' \
	    >"$dir/var/lib/dpkg/info/nullmailer.list"
	for i in 1 2; do
		t=$((now - 3600 * i))
		{
			printf 'root@%s\nops@example.com\n\n' "$host"
			cron_mail /usr/local/bin/backup.sh \
			    "rsync: connection unexpectedly closed ($i)" \
			    "$(rfcdate $((3600 * i)))"
		} >"$q/queue/$t.$((4000 + i))"
	done
	t=$((now - 8 * 86400))
	{
		printf 'root@%s\nops@example.com\n\n' "$host"
		cron_mail 'df -h' 'Filesystem  Size  Used' "$(rfcdate $((8 * 86400)))"
	} >"$q/failed/$t.3999"
	chown -R 8:0 "$q"
	chmod 0750 "$q/queue" "$q/tmp"
	{
		printf '%s %s nullmailer[651]: Starting delivery, 2 message(s) in queue.\n' "$(stamp 600)" "$host"
		printf '%s %s nullmailer[651]: Starting delivery: host: smtp.example.com protocol: smtp file: %s.4001\n' "$(stamp 600)" "$host" "$((now - 3600))"
		printf '%s %s nullmailer[651]: smtp: Failed: 535 5.7.8 Authentication credentials invalid\n' "$(stamp 599)" "$host"
		printf '%s %s nullmailer[651]: Sending failed: Permanent error in sending the message\n' "$(stamp 599)" "$host"
		printf '%s %s nullmailer[651]: Delivery complete, 2 message(s) remain.\n' "$(stamp 598)" "$host"
	} >"$dir/var/log/mail.log"
	;;
msmtp-norelay)
	ln -s ../bin/msmtp "$dir/usr/sbin/sendmail"
	printf 'ELF ... msmtp ...\n' >"$dir/usr/bin/msmtp"
	chmod 0755 "$dir/usr/bin/msmtp"
	{
		printf '%s %s CROND[2278]: (root) CMD (/usr/lib64/sa/sa1 1 1)\n' "$(stamp 400)" "$host"
		printf '%s %s CROND[2277]: (root) MAIL (mailed 77 bytes of output but got status 0x004e from MTA#012)\n' "$(stamp 399)" "$host"
		printf '%s %s CROND[2301]: (root) CMD (/usr/local/bin/backup.sh)\n' "$(stamp 300)" "$host"
		printf '%s %s CROND[2300]: (root) MAIL (mailed 120 bytes of output but got status 0x004e from MTA#012)\n' "$(stamp 290)" "$host"
	} >"$dir/var/log/cron"
	printf "%s %s msmtp: host=(none) tls=off auth=off from=root@%s recipients=root errormsg='no configuration file available' exitcode=EX_CONFIG\n" \
	    "$(stamp 399)" "$host" "$host" >"$dir/var/log/maillog"
	;;
no-mta)
	{
		printf '%s %s CRON[4121]: (root) CMD (/usr/local/bin/backup.sh)\n' "$(stamp 300)" "$host"
		printf '%s %s CRON[4120]: (CRON) info (No MTA installed, discarding output)\n' "$(stamp 295)" "$host"
		printf '%s %s CRON[4131]: (root) CMD (test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily ))\n' "$(stamp 200)" "$host"
	} >"$dir/var/log/syslog"
	;;
dma-deferred)
	ln -s dma "$dir/usr/sbin/sendmail"
	printf 'ELF ... /var/spool/dma ...\n' >"$dir/usr/sbin/dma"
	chmod 2755 "$dir/usr/sbin/dma"
	mkdir -p "$dir/etc/dma" "$dir/var/spool/dma"
	printf '# dma.conf\nSMARTHOST relay.example.net\nPORT 587\nSECURETRANSFER\nSTARTTLS\n' \
	    >"$dir/etc/dma/dma.conf"
	id=1a2b3c
	printf 'ID: %s.55d0\nSender: root@%s\nRecipient: ops@example.com\n' \
	    "$id" "$host" >"$dir/var/spool/dma/Q$id.55d0"
	{
		printf 'Received: from root (uid 0)\n\t(envelope-from root@%s)\n\tid %s\n\tby %s (DragonFly Mail Agent v0.13);\n\t%s\n' \
		    "$host" "$id" "$host" "$(rfcdate 1800)"
		cron_mail /usr/local/bin/backup.sh 'rsync: connection unexpectedly closed' \
		    "$(rfcdate 1800)"
	} >"$dir/var/spool/dma/M$id"
	chown -R 0:8 "$dir/var/spool/dma"
	chmod 2770 "$dir/var/spool/dma"
	chmod 0660 "$dir/var/spool/dma/Q$id.55d0" "$dir/var/spool/dma/M$id"
	printf '%s %s dma[%s.55d0]: remote delivery deferred: relay.example.net [192.0.2.25] failed after RCPT TO: 451 4.7.1 Greylisted, try again later\n' \
	    "$(stamp 900)" "$host" "$id" >"$dir/var/log/mail.log"
	;;
ssmtp-placeholder)
	ln -s ssmtp "$dir/usr/sbin/sendmail"
	printf 'ELF ... sSMTP ...\n' >"$dir/usr/sbin/ssmtp"
	mkdir -p "$dir/etc/ssmtp"
	printf 'root=postmaster\nmailhub=mail\nhostname=%s\n' "$host" \
	    >"$dir/etc/ssmtp/ssmtp.conf"
	{
		printf '%s %s CRON[5121]: (root) CMD (/usr/local/bin/backup.sh)\n' "$(stamp 300)" "$host"
		printf '%s %s sSMTP[5130]: Unable to locate mail\n' "$(stamp 299)" "$host"
		printf '%s %s sSMTP[5130]: Cannot open mail:25\n' "$(stamp 299)" "$host"
	} >"$dir/var/log/syslog"
	;;
root-maildir)
	postfix_conf 'home_mailbox = Maildir/
'
	md=$dir/root/Maildir
	mkdir -p "$md/new" "$md/cur" "$md/tmp"
	cron_mail /usr/local/bin/backup.sh 'rsync: connection unexpectedly closed' \
	    "$(rfcdate 600)" >"$md/new/$((now - 600)).M100P4120.$host"
	cron_mail /usr/local/bin/backup.sh 'rsync: connection unexpectedly closed (old)' \
	    "$(rfcdate 90000)" >"$md/cur/$((now - 90000)).M101P3120.$host:2,S"
	cron_mail 'df -h' 'Filesystem  Size  Used' \
	    "$(rfcdate 7200)" >"$md/cur/$((now - 7200)).M102P3320.$host:2,"
	chmod -R go-rwx "$md"
	;;
*)
	echo "mkroot_relays.sh: unknown kind '$kind'" >&2
	exit 2
	;;
esac
