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
#       rhel5-sendmail   healthy-sendmail with RHEL 5's (Linux 2.6.18) /proc:
#                        proc/PID/stat but no proc/PID/comm (2.6.33+), no
#                        mountinfo
# Real ownership and modes are set (run as root, as CI does).  Each part
# of the tree is written by its own function below.
set -eu
kind=$1 dir=$2
mkdir -p "$dir"

# spool_part KIND DIR: etc/passwd, etc/group, etc/hostname, etc/mail/*.cf or
# etc/postfix/main.cf, the spool directories, proc/ files for the MTA.
#
# incident: RHEL 5, clientmqueue root:root 0755 whose directory grew to
# megabytes (many long names created and deleted: ext4 never shrinks a
# directory), an old qf/df pair from 2014 (dated by its queue id), three
# orphan df files from the day of the SYSERRs, no sendmail process and no
# listener on port 25.  healthy-sendmail: the RHEL packaged modes, the MTA
# daemon and the MSP queue runner running, 127.0.0.1:25 listening.
# healthy-postfix: Debian, postfix's own modes, /var/spool/mail -> ../mail,
# master running.  broken-postfix: maildrop 0700 (postdrop cannot write), a
# backlog of 150 old messages in hashed deferred/, master not running.
spool_part() {
	_k=$1 _d=$2
	mkdir -p "$_d/etc" "$_d/var/spool" "$_d/proc/net" "$_d/proc/sys/kernel"
	chmod 0755 "$_d/etc" "$_d/var" "$_d/var/spool"
	echo host1.example.com >"$_d/etc/hostname"
	case $_k in
	incident|healthy-sendmail) _sp_sendmail "$_k" "$_d" ;;
	*) _sp_postfix "$_k" "$_d" ;;
	esac
	chmod 0644 "$_d/etc/passwd" "$_d/etc/group" "$_d/etc/hostname"
}

# _sp_proc DIR PORT25 PROC...: proc/net/tcp (sshd on :22, and 127.0.0.1:25
# when PORT25 is yes), tcp6, and one proc/PID/{comm,cmdline,status,exe}
# per "PID:COMM:ARG0[:ARG...]" (owned by root; exe when ARG0 is a path).
_sp_proc() {
	_pd=$1 _p25=$2
	shift 2
	_hdr='  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'
	{
		echo "$_hdr"
		echo '   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0000000000000000 100 0 0 10 0'
		echo '   1: 0100007F:8F3A 0100007F:0019 06 00000000:00000000 03:00000C9B 00000000     0        0 0 3 0000000000000000'
		if [ "$_p25" = yes ]; then
			echo '   2: 0100007F:0019 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1 0000000000000000 100 0 0 10 0'
		fi
	} >"$_pd/proc/net/tcp"
	{
		echo "$_hdr"
		echo '   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1003 1 0000000000000000 100 0 0 10 0'
	} >"$_pd/proc/net/tcp6"
	for _p in "$@"; do
		_pid=${_p%%:*} _rest=${_p#*:}
		_comm=${_rest%%:*} _args=${_rest#*:}
		mkdir -p "$_pd/proc/$_pid"
		echo "$_comm" >"$_pd/proc/$_pid/comm"
		# status as the kernel writes it (root's processes), and exe
		# as a link to the program (ARG0 when it is absolute)
		printf 'Name:\t%s\nState:\tS (sleeping)\nPid:\t%s\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n' \
		    "$_comm" "$_pid" >"$_pd/proc/$_pid/status"
		case ${_args%%:*} in
		/*) ln -s "${_args%%:*}" "$_pd/proc/$_pid/exe" ;;
		esac
		# arguments are NUL-separated, as in the kernel's cmdline
		printf '%s' "$_args" | tr ':' '\000' >"$_pd/proc/$_pid/cmdline"
	done
}

_sp_sendmail() {
	_k=$1 _d=$2
	echo 'Red Hat Enterprise Linux Server release 5.7 (Tikanga)' \
	    >"$_d/etc/redhat-release"
	echo 2.6.18-274.el5 >"$_d/proc/sys/kernel/osrelease"
	cat >"$_d/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/bash
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
mail:x:8:12:mail:/var/spool/mail:/sbin/nologin
mailnull:x:47:47::/var/spool/mqueue:/sbin/nologin
smmsp:x:51:51::/var/spool/mqueue:/sbin/nologin
alice:x:500:500:Alice:/home/alice:/bin/bash
PW
	cat >"$_d/etc/group" <<'GR'
root:x:0:root
bin:x:1:root,bin,daemon
daemon:x:2:root,bin,daemon
mail:x:12:mail
mailnull:x:47:
smmsp:x:51:
alice:x:500:
GR
	mkdir -p "$_d/etc/mail"
	cat >"$_d/etc/mail/sendmail.cf" <<'CF'
# sendmail.cf (excerpt of what the agent reads)
DZ8.13.8
O DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA
O QueueDirectory=/var/spool/mqueue
#O RunAsUser=sendmail
CF
	cat >"$_d/etc/mail/submit.cf" <<'CF'
# submit.cf (excerpt of what the agent reads)
DZ8.13.8/Submit
O QueueFileMode=0660
O DaemonPortOptions=Name=NoMTA, Addr=127.0.0.1, M=E
O QueueDirectory=/var/spool/clientmqueue
O RunAsUser=smmsp
O TrustedUser=smmsp
CF
	chmod 0644 "$_d/etc/mail/sendmail.cf" "$_d/etc/mail/submit.cf"
	mkdir -p "$_d/var/spool/mqueue" "$_d/var/spool/mail" \
	    "$_d/var/spool/clientmqueue"
	chown 0:12 "$_d/var/spool/mqueue" "$_d/var/spool/mail"
	chmod 0700 "$_d/var/spool/mqueue"
	chmod 0775 "$_d/var/spool/mail"
	if [ "$_k" = incident ]; then
		_cq=$_d/var/spool/clientmqueue
		# grow the directory: long names need many directory blocks
		python3 - "$_cq" <<'PY'
import os, sys
d = sys.argv[1]
for i in range(6000):
    p = os.path.join(d, "xf%06d" % i + "x" * 200)
    os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o600))
for i in range(6000):
    os.unlink(os.path.join(d, "xf%06d" % i + "x" * 200))
PY
		# an old queued message (2014-08-12 03:02:00 UTC) and three
		# orphan data files (2016-02-15, the day of the SYSERRs)
		_old=$(_sp_qid 1407812520 am 4711)
		_sp_qf "$_cq/qf$_old" 1407812520
		echo 'Output of a cron job from 2014.' >"$_cq/df$_old"
		touch -d @1407812520 "$_cq/qf$_old" "$_cq/df$_old"
		for _t in 1455499202 1455499262 1455499322; do
			_id=$(_sp_qid $_t b0 7134)
			echo 'partial body' >"$_cq/df$_id"
			touch -d @$_t "$_cq/df$_id"
		done
		chown 51:51 "$_cq"/qf* "$_cq"/df*
		chmod 0660 "$_cq"/qf* "$_cq"/df*
		chown 0:0 "$_cq"
		chmod 0755 "$_cq"
		_sp_proc "$_d" no '1:init:init [3]' \
		    '2345:crond:crond'
	else
		chown 51:51 "$_d/var/spool/clientmqueue"
		chmod 0770 "$_d/var/spool/clientmqueue"
		_sp_proc "$_d" yes '1:init:init [3]' '2345:crond:crond' \
		    '2401:sendmail:sendmail: accepting connections' \
		    '2410:sendmail:sendmail: Queue runner@01:00:00 for /var/spool/clientmqueue'
	fi
}

# _sp_qid EPOCH SEQ PID: a sendmail 8.12+ queue id for that UTC time.
_sp_qid() {
	python3 -c '
import sys, time
a = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx"
t = time.gmtime(int(sys.argv[1]))
print(a[(t.tm_year - 1900) % 60] + a[t.tm_mon - 1] + a[t.tm_mday] +
      a[t.tm_hour] + a[t.tm_min] + a[t.tm_sec] + sys.argv[2] +
      "%06d" % int(sys.argv[3]))' "$@"
}

# _sp_qf FILE EPOCH: a complete MSP control file.
_sp_qf() {
	cat >"$1" <<QF
V8
T$2
K$2
N1
P30387
MDeferred: Connection refused by [127.0.0.1]
Fbs
\$_root@localhost
Sroot
MDeferred: Connection refused by [127.0.0.1]
C:root
rRFC822; root@localhost.localdomain
RPFD:root
H?x?Full-Name: CronDaemon
H??Subject: Cron <root@host1> /bin/freemem.py
.
QF
}

_sp_postfix() {
	_k=$1 _d=$2
	echo 12.5 >"$_d/etc/debian_version"
	# a systemd host (pid 1 below is systemd); postfix enabled at boot
	# only where it runs
	mkdir -p "$_d/run/systemd/system"
	echo 6.1.0-18-amd64 >"$_d/proc/sys/kernel/osrelease"
	cat >"$_d/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
postfix:x:107:113::/var/spool/postfix:/usr/sbin/nologin
alice:x:1000:1000:Alice:/home/alice:/bin/bash
PW
	cat >"$_d/etc/group" <<'GR'
root:x:0:
daemon:x:1:
mail:x:8:
postfix:x:113:
postdrop:x:114:
alice:x:1000:
GR
	mkdir -p "$_d/etc/postfix"
	cat >"$_d/etc/postfix/main.cf" <<'CF'
# main.cf (excerpt of what the agent reads)
myhostname = host1.example.com
queue_directory = /var/spool/postfix
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = loopback-only
CF
	chmod 0644 "$_d/etc/postfix/main.cf"
	_q=$_d/var/spool/postfix
	mkdir -p "$_q" "$_d/var/mail"
	chown 0:0 "$_q"
	chmod 0755 "$_q"
	chown 0:8 "$_d/var/mail"
	chmod 2775 "$_d/var/mail"
	ln -s ../mail "$_d/var/spool/mail"
	for _s in maildrop incoming active deferred hold corrupt; do
		mkdir -p "$_q/$_s"
		chown 107:0 "$_q/$_s"
		chmod 0700 "$_q/$_s"
	done
	for _h in 0 1 2 3 4 5 6 7 8 9 A B C D E F; do
		mkdir -p "$_q/deferred/$_h"
		chown 107:0 "$_q/deferred/$_h"
		chmod 0700 "$_q/deferred/$_h"
	done
	if [ "$_k" = broken-postfix ]; then
		# maildrop without the postdrop group's write access
		chown 107:114 "$_q/maildrop"
		chmod 0700 "$_q/maildrop"
		# 150 messages that arrived ten days ago, deferred in the
		# hashed layout: postfix records (type byte, 7-bit length,
		# data) with the arrival time in the T record
		python3 - "$_q/deferred" $(($(date +%s) - 864000)) <<'PY'
import os, sys
d, t = sys.argv[1], int(sys.argv[2])
def rec(typ, data):
    out, n = bytearray(typ), len(data)
    while True:
        ch = n & 0x7f
        n >>= 7
        out.append(ch | (0x80 if n else 0))
        if not n:
            return bytes(out) + data
for i in range(150):
    qid = "%X%05X" % (i % 16, 0x1000 + i)
    body = (rec(b"C", b"%15d %15d %15d %15d %15d" % (310, 200, 1, 0, 310)) +
            rec(b"T", b"%d %d" % (t - i, 0)) + rec(b"F", b"") +
            rec(b"S", b"root@host1.example.com") + rec(b"M", b"") +
            rec(b"N", b"Subject: backlog %d" % i) + rec(b"X", b"") +
            rec(b"R", b"alice@example.org") + rec(b"E", b""))
    p = os.path.join(d, qid[0], qid)
    with open(p, "wb") as f:
        f.write(body)
    # postfix sets the modification time to the next delivery attempt
    os.utime(p, (t, t + 3600))
PY
		chown -R 107:113 "$_q/deferred"
		chown 107:0 "$_q/deferred"
		find "$_q/deferred" -type f -exec chmod 0700 {} +
		_sp_proc "$_d" no '1:systemd:/sbin/init' '610:cron:/usr/sbin/cron:-f'
	else
		chown 107:114 "$_q/maildrop"
		chmod 0730 "$_q/maildrop"
		mkdir -p "$_d/etc/systemd/system/multi-user.target.wants"
		ln -s /lib/systemd/system/postfix.service \
		    "$_d/etc/systemd/system/multi-user.target.wants/postfix.service"
		_sp_proc "$_d" yes '1:systemd:/sbin/init' '610:cron:/usr/sbin/cron:-f' \
		    '901:master:/usr/lib/postfix/sbin/master:-w' \
		    '903:qmgr:qmgr:-l:-t:unix:-u'
	fi
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
#   incident          /var/spool/mail/root: two years of unread vixie-cron
#                     mail (Cron <root@host1> /bin/freemem.py twice a day,
#                     a weekly ntpdate, a monthly logrotate with an error)
#                     up to 2016-02-15, plus three read messages; two cron
#                     mails queued in clientmqueue (qf+df, smmsp 0660) half
#                     an hour ago, MDeferred: Connection refused by
#                     [127.0.0.1]
#   healthy-sendmail  /var/spool/mail/root with three read messages
#   healthy-postfix   /var/mail/root read; /var/mail/alice (uid 1000, not
#                     watched by default) with unread mail
#   broken-postfix    no mailboxes
mail_part() {
	_k=$1 _d=$2
	case $_k in
	incident)
		_mp_mbox "$_d/var/spool/mail/root" host1.example.com \
		    1407812400 1455498000 43200 0 12
		_now=$(date +%s)
		for _i in 0 1; do
			_t=$((_now - 1800 + _i * 60))
			_id=$(_sp_qid $_t "0$_i" $((11761 + _i * 41)))
			_mp_qf "$_d/var/spool/clientmqueue/qf$_id" $_t \
			    "$(echo '/bin/freemem.py|/usr/sbin/ntpdate time.example.com' |
			    cut -d'|' -f$((_i + 1)))"
			echo 'free memory: 118 MB|no server suitable for synchronization found' |
			    cut -d'|' -f$((_i + 1)) >"$_d/var/spool/clientmqueue/df$_id"
			chown 51:51 "$_d/var/spool/clientmqueue/qf$_id" \
			    "$_d/var/spool/clientmqueue/df$_id"
			chmod 0660 "$_d/var/spool/clientmqueue/qf$_id" \
			    "$_d/var/spool/clientmqueue/df$_id"
		done
		;;
	healthy-sendmail)
		_mp_mbox "$_d/var/spool/mail/root" host1.example.com \
		    $(($(date +%s) - 3 * 86400)) $(date +%s) 86400 1 12
		;;
	healthy-postfix)
		_mp_mbox "$_d/var/mail/root" host1.example.com \
		    $(($(date +%s) - 3 * 86400)) $(date +%s) 86400 1 8
		_mp_mbox "$_d/var/mail/alice" host1.example.com \
		    $(($(date +%s) - 3 * 86400)) $(date +%s) 86400 0 8
		chown 1000:8 "$_d/var/mail/alice"
		;;
	esac
}

# _mp_mbox FILE HOST FROM UNTIL STEP READ GID: an mbox of cron mails every
# STEP seconds from FROM to UNTIL (READ=1: all read, Status: RO), as
# delivered by sendmail + procmail on RHEL 5; with READ=0 also three read
# notes.  Owned by root and the mail group GID, 0600.
_mp_mbox() {
	python3 - "$@" <<'PY'
import os, sys, time
path, host, t0, t1, step, read = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
short = host.split(".")[0]
def msg(t, subj, body, status, cron=True):
    tm = time.gmtime(t)
    env = time.strftime("%a %b %e %H:%M:%S %Y", tm)
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", tm)
    h = ["From root@%s  %s" % (host, env),
         "Return-Path: <root@%s>" % host,
         "Date: %s" % date,
         "Message-Id: <%d.%d@%s>" % (t, len(out), host)]
    if cron:
        h += ["From: root@%s (Cron Daemon)" % host, "To: root@%s" % host,
              "Subject: Cron <root@%s> %s" % (short, subj),
              "Content-Type: text/plain; charset=UTF-8",
              "Auto-Submitted: auto-generated",
              "X-Cron-Env: <SHELL=/bin/sh>", "X-Cron-Env: <HOME=/root>",
              "X-Cron-Env: <PATH=/usr/bin:/bin>",
              "X-Cron-Env: <LOGNAME=root>", "X-Cron-Env: <USER=root>"]
    else:
        h += ["From: admin@%s" % host, "To: root@%s" % host,
              "Subject: %s" % subj]
    if status:
        h.append("Status: RO")
    out.append("\n".join(h) + "\n\n" + body + "\n")
out = []
n = 0
for t in range(t0, t1 + 1, step):
    mem = 90 + (t // step) % 60
    msg(t, "/bin/freemem.py", "free memory: %d MB\nswap used: %d%%\n" % (mem, (t // step) % 100), read)
    if n % 14 == 0:
        msg(t + 60, "/usr/sbin/ntpdate time.example.com",
            "no server suitable for synchronization found\n", read)
    if n % 60 == 0:
        msg(t + 120, "/usr/sbin/logrotate /etc/logrotate.conf",
            "error: skipping \"/var/log/httpd/*log\" because parent directory has insecure permissions\n>From the config: check su directive\n", read)
    n += 1
if not read:
    for i in range(3):
        msg(t0 + i * 86400 + 3600, "disk check %d" % i, "All fine.\n", True, cron=False)
with open(path, "w") as f:
    f.write("\n".join(out) + "\n")
PY
	chown "0:$7" "$1"
	chmod 0600 "$1"
}

# _mp_qf FILE EPOCH COMMAND: a queued vixie-cron mail's control file.
_mp_qf() {
	cat >"$1" <<QF
V8
T$2
K$2
N1
P30387
MDeferred: Connection refused by [127.0.0.1]
Fbs
\$_root@localhost
\${daemon_flags}c u
Sroot
Aroot@host1.example.com
MDeferred: Connection refused by [127.0.0.1]
C:root
rRFC822; root@host1.example.com
RPFD:root
H?P?Return-Path: <$(printf '\201')g>
H??Received: (from root@localhost)
	by host1.example.com (8.13.8/8.13.8/Submit) id ${1##*/qf};
	$(date -u -d "@$2" '+%a, %d %b %Y %H:%M:%S GMT')
H?x?Full-Name: CronDaemon
H??From: root (Cron Daemon)
H??To: root
H??Subject: Cron <root@host1> $3
H??Content-Type: text/plain; charset=UTF-8
H??Auto-Submitted: auto-generated
H??X-Cron-Env: <SHELL=/bin/sh>
H??X-Cron-Env: <LOGNAME=root>
.
QF
}

# rhel5_proc DIR: each proc/PID/comm becomes the proc/PID/stat that
# Linux 2.6.18 has instead ("PID (COMM) STATE PPID ...").
rhel5_proc() {
	for _c in "$1"/proc/[0-9]*/comm; do
		[ -f "$_c" ] || continue
		_pd=${_c%/comm}
		printf '%s (%s) S 1 %s %s 0 -1 4202752 312 0 0 0 1 2 0 0 15 0 1 0 1042 12345678 300 18446744073709551615\n' \
		    "${_pd##*/}" "$(cat "$_c")" "${_pd##*/}" "${_pd##*/}" >"$_pd/stat"
		rm -f "$_c"
	done
}

shape=""
case $kind in
incident|healthy-sendmail|healthy-postfix|broken-postfix) ;;
rhel5-sendmail) kind=healthy-sendmail shape=rhel5 ;;
*) echo "mkroot.sh: unknown kind '$kind'" >&2; exit 2 ;;
esac
spool_part "$kind" "$dir"
logs_part "$kind" "$dir"
mail_part "$kind" "$dir"
[ "$shape" != rhel5 ] || rhel5_proc "$dir"
