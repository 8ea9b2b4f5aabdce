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

# logs_part KIND DIR: var/log/maillog (and messages) with the kind's lines,
# in the traditional file format, stamped over the last hour (local time;
# sendmail queue ids encode the same instant in UTC, as sendmail does).
#   incident          a SYSERR pair (collect + queueup, Permission denied on
#                     the MSP queue, uid 51) every minute for 20 minutes,
#                     then, after the fix, Deferred deliveries to the dead
#                     MTA ([127.0.0.1] refused)
#   healthy-sendmail  submissions relayed and delivered (stat=Sent)
#   healthy-postfix   pickup/cleanup/qmgr/local lines (status=sent)
#   broken-postfix    postdrop cannot enter maildrop, pickup is down,
#                     deferred deliveries
# Every kind also gets non-mail lines in messages (cron, sshd).
logs_part() {
	_ld=$2/var/log
	mkdir -p "$_ld"
	_ml=$_ld/maillog
	_msg=$_ld/messages
	: >"$_ml"
	: >"$_msg"
	_now=$(date +%s)
	_b60=0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx
	# stamp T: the traditional stamp; qid T PID: sendmail's queue id
	stamp() { date -d "@$1" '+%b %e %H:%M:%S'; }
	b60() { printf '%s' "$_b60" | cut -c$(($1 + 1)); }
	qid() {
		set -- "$1" "$2" $(date -u -d "@$1" '+%Y %m %d %H %M %S')
		printf '%s%s%s%s%s%s%s%s%06d' "$(b60 $((($3 - 1900) % 60)))" \
		    "$(b60 $((${4#0} - 1)))" "$(b60 ${5#0})" "$(b60 ${6#0})" \
		    "$(b60 ${7#0})" "$(b60 ${8#0})" "$(b60 $(($2 % 60)))" \
		    "$(b60 $(($2 / 60 % 60)))" "$2"
	}
	_i=0
	while [ $_i -lt 6 ]; do
		_t=$((_now - 3600 + _i * 600))
		printf '%s host1 CROND[%d]: (root) CMD (/usr/lib64/sa/sa1 1 1)\n' \
		    "$(stamp $_t)" $((2000 + _i)) >>"$_msg"
		printf '%s host1 sshd[%d]: Accepted publickey for admin from 192.0.2.7 port 5%04d ssh2\n' \
		    "$(stamp $((_t + 5)))" $((3000 + _i)) $_i >>"$_msg"
		_i=$((_i + 1))
	done
	case $1 in
	incident)
		_i=0
		while [ $_i -lt 20 ]; do
			_t=$((_now - 3000 + _i * 60)) _p=$((7134 + _i * 37))
			_q=$(qid $_t $_p)
			printf '%s host1 sendmail[%d]: %s: SYSERR(root): collect: Cannot write ./df%s (bfcommit, uid=51, gid=51): Permission denied\n' \
			    "$(stamp $_t)" $_p "$_q" "$_q" >>"$_ml"
			printf '%s host1 sendmail[%d]: %s: SYSERR(root): queueup: cannot create queue file ./qf%s, euid=51, fd=-1, fp=0x0: Permission denied\n' \
			    "$(stamp $_t)" $_p "$_q" "$_q" >>"$_ml"
			_i=$((_i + 1))
		done
		_i=0
		while [ $_i -lt 5 ]; do
			_t=$((_now - 1500 + _i * 60)) _p=$((11761 + _i * 41))
			_q=$(qid $_t $_p)
			printf '%s host1 sendmail[%d]: %s: from=root, size=416, class=0, nrcpts=1, msgid=<%s@host1>, relay=root@localhost\n' \
			    "$(stamp $_t)" $_p "$_q" "$_q" >>"$_ml"
			printf '%s host1 sendmail[%d]: %s: to=root, ctladdr=root (0/0), delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=30416, relay=[127.0.0.1] [127.0.0.1], dsn=4.0.0, stat=Deferred: Connection refused by [127.0.0.1]\n' \
			    "$(stamp $_t)" $_p "$_q" >>"$_ml"
			_i=$((_i + 1))
		done
		;;
	healthy-sendmail)
		_i=0
		while [ $_i -lt 5 ]; do
			_t=$((_now - 1500 + _i * 300)) _p=$((23598 + _i))
			_q=$(qid $_t $_p) _r=$(qid $_t $((_p + 40)))
			printf '%s host1 sendmail[%d]: %s: from=root, size=306, class=0, nrcpts=1, msgid=<%s@host1>, relay=root@localhost\n' \
			    "$(stamp $_t)" $_p "$_q" "$_q" >>"$_ml"
			printf '%s host1 sendmail[%d]: %s: to=root, ctladdr=root (0/0), delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=30306, relay=[127.0.0.1] [127.0.0.1], dsn=2.0.0, stat=Sent (%s Message accepted for delivery)\n' \
			    "$(stamp $_t)" $_p "$_q" "$_r" >>"$_ml"
			printf '%s host1 sendmail[%d]: %s: to=<root@host1>, ctladdr=<root@host1> (0/0), delay=00:00:00, xdelay=00:00:00, mailer=local, pri=30777, relay=local, dsn=2.1.5, stat=Sent\n' \
			    "$(stamp $_t)" $((_p + 41)) "$_r" >>"$_ml"
			_i=$((_i + 1))
		done
		;;
	healthy-postfix)
		_i=0
		while [ $_i -lt 5 ]; do
			_t=$((_now - 1500 + _i * 300))
			_q=$(printf '%05X%05X' $((_t % 1048576)) $((4000 + _i)))
			printf '%s host1 postfix/pickup[812]: %s: uid=0 from=<root>\n' "$(stamp $_t)" "$_q" >>"$_ml"
			printf '%s host1 postfix/cleanup[%d]: %s: message-id=<%s@host1>\n' "$(stamp $_t)" $((900 + _i)) "$_q" "$_q" >>"$_ml"
			printf '%s host1 postfix/qmgr[903]: %s: from=<root@host1>, size=412, nrcpt=1 (queue active)\n' "$(stamp $_t)" "$_q" >>"$_ml"
			printf '%s host1 postfix/local[%d]: %s: to=<root@host1>, orig_to=<root>, relay=local, delay=0.02, delays=0.01/0/0/0.01, dsn=2.0.0, status=sent (delivered to mailbox)\n' \
			    "$(stamp $_t)" $((950 + _i)) "$_q" >>"$_ml"
			printf '%s host1 postfix/qmgr[903]: %s: removed\n' "$(stamp $_t)" "$_q" >>"$_ml"
			_i=$((_i + 1))
		done
		;;
	broken-postfix)
		_i=0
		while [ $_i -lt 8 ]; do
			_t=$((_now - 2400 + _i * 300))
			printf '%s host1 postfix/postdrop[%d]: warning: mail_queue_enter: create file maildrop/%d.%d: Permission denied\n' \
			    "$(stamp $_t)" $((5100 + _i)) $((600000 + _i)) $((5100 + _i)) >>"$_ml"
			printf '%s host1 postfix/sendmail[%d]: warning: unable to look up public/pickup: No such file or directory\n' \
			    "$(stamp $((_t + 1)))" $((5099 + _i)) >>"$_ml"
			_q=$(printf '%05X%05X' $((_t % 1048576)) $((7000 + _i)))
			printf '%s host1 postfix/smtp[%d]: %s: to=<ops@example.com>, relay=none, delay=%d, delays=%d/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.25]:25: Connection timed out)\n' \
			    "$(stamp $((_t + 2)))" $((5200 + _i)) "$_q" $((300 * _i + 30)) $((300 * _i)) >>"$_ml"
			_i=$((_i + 1))
		done
		;;
	esac
	chmod 0600 "$_ml" "$_msg"
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
