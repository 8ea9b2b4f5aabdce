/*
 * loadgen.c - the collector's benchmark tool, three modes:
 *
 *   loadgen ingest URL[,URL...] [-n REPORTS] [-c CONCURRENCY] [-H HOSTS]
 *                      [-e EVENTS] [-t TOKEN] [-L]
 *	a simulated fleet: REPORTS distinct gzip reports (HOSTS hosts, EVENTS
 *	new events each, findings, filesystems, mail; a host's state changes
 *	every third of its reports; with -L the hosts carry the read set's
 *	labels, env and dc, tests/bench/bigdb_extra.sql), all built before the
 *	clock starts, POSTed over CONCURRENCY keep-alive connections with
 *	libcurl multi (connection k to the k-th URL of the list, round
 *	robin: several collectors share one load); prints reports/s,
 *	p50/p90/p99/max latency and the answers by status.
 *   loadgen get URL [-n N] [-t TOKEN]
 *	N sequential GETs of one URL; prints p50/p99/max latency.
 *   loadgen ceiling DBFILE [-n ROWS]
 *	SQLite's batched-insert ceiling on this machine: ~150-byte rows with
 *	a prepared INSERT in WAL mode, 1000-row transactions (synchronous
 *	NORMAL and FULL), one row per transaction (NORMAL and FULL), and
 *	1000-row transactions with a secondary index on (host TEXT, ts).
 *   loadgen bigdb DBFILE SCHEMA.sql [-H HOSTS] [-e EVENTS]
 *	a large collector database written directly with SQLite through the
 *	collector's schema: HOSTS hosts with state, findings, filesystems,
 *	mail and signature aggregates, and EVENTS events; its meta row
 *	says the schema's version (SCHEMA_VERSION), as a collector's does.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sqlite3.h>
#include <zlib.h>

#include "collector/store/migrate.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "loadgen: %s\n", what);
	exit(1);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
pct(double *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i];
}

/* --- gzip ------------------------------------------------------------------ */

struct buf {
	unsigned char *p;
	size_t len;
};

static struct buf
gz(const char *s, size_t n)
{
	z_stream zs;
	struct buf b;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2");
	b.p = malloc(deflateBound(&zs, n) + 64);
	if (b.p == NULL)
		die("out of memory");
	zs.next_in = (unsigned char *)(uintptr_t)s;
	zs.avail_in = (uInt)n;
	zs.next_out = b.p;
	zs.avail_out = (uInt)(deflateBound(&zs, n) + 64);
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		die("deflate");
	b.len = zs.total_out;
	deflateEnd(&zs);
	return b;
}

/* --- a realistic report ------------------------------------------------------- */

static const char *const sigs[] = {
    "SYSERR(root): collect: Cannot write ./df<qid> (bfcommit, uid=<n>, "
    "gid=<n>): Permission denied",
    "SYSERR(root): queueup: cannot create queue file ./qf<qid>, euid=<n>, "
    "fd=<n>, fp=<n>: Permission denied",
    "to=<addr>, stat=Deferred: Connection refused by [127.0.0.1]",
};

/*
 * report - report number i of the fleet: host i % hosts, labelled as
 * bigdb_extra.sql labels the read set (env: prod a half, staging a
 * third, dev a sixth; dc: dc1 to dc10), with new events (unique ids) in
 * every report; the host's state (spool counts, inode
 * use, mailbox, queued mail) changes every third report of that host, as
 * on a real host where most cycles find the same state.
 */
/* -L: the hosts carry labels (env a half prod, a third staging, a sixth
 * dev; dc dc1 to dc10), as bigdb_extra.sql gives the read set's */
static int with_labels;

static size_t
report(char *out, size_t cap, long i, long hosts, int events, time_t t)
{
	char ts[32], sts[32], ev[8192], *p = ev, lab[96] = "";
	size_t n;
	long h = i % hosts;
	long v = h * 7 + (i / hosts) / 3;	/* the host's state epoch */
	time_t st = t - 3600 + (time_t)(v % 3600);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	gmtime_r(&st, &tm);
	strftime(sts, sizeof(sts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	*p = '\0';
	if (with_labels)
		snprintf(lab, sizeof(lab),
		    ",\"labels\":{\"dc\":\"dc%ld\",\"env\":\"%s\"}", h % 10 + 1,
		    h % 6 < 3 ? "prod" : h % 6 < 5 ? "staging" : "dev");
	for (int e = 0; e < events; e++) {
		int k = (int)((i + e) % 3);
		p += snprintf(p, sizeof(ev) - (size_t)(p - ev),
		    "%s{\"id\":\"%08lx%04x\",\"ts\":\"%s\",\"source\":"
		    "\"/var/log/maillog\",\"program\":\"sendmail\",\"pid\":%ld,"
		    "\"queue_id\":\"u1F1K2am%06ld\",\"kind\":\"%s\",\"stage\":"
		    "\"collect\",\"message\":\"%s\",\"errno\":\"Permission "
		    "denied\",\"path\":null,\"uid\":51,\"gid\":51,\"signature\":"
		    "\"%s\",\"raw\":\"Feb 15 09:20:02 host%ld sendmail[%ld]: "
		    "%s\"}", e ? "," : "", i, e, ts, 1000 + i % 30000, i % 999999,
		    k == 2 ? "deferred" : "syserr", sigs[k], sigs[k], h,
		    1000 + i % 30000, sigs[k]);
	}
	n = (size_t)snprintf(out, cap,
	    "{\"schema\":\"spoolwatch.report/1\",\"report_id\":"
	    "\"%08lx-%04lx-4%03lx-8%03lx-%012lx\",\"host\":{\"name\":"
	    "\"host%05ld.example.com\",\"os\":\"Red Hat Enterprise Linux "
	    "Server release 5.11 (Tikanga)\",\"kernel\":\"2.6.18-398.el5\"%s},"
	    "\"agent\":{\"version\":\"0.1.0\"},\"collected_at\":\"%s\","
	    "\"interval_s\":60,"
	    "\"spools\":[{\"path\":\"/var/spool/clientmqueue\",\"role\":"
	    "\"msp_queue\",\"exists\":true,\"owner\":\"root\",\"group\":"
	    "\"root\",\"uid\":0,\"gid\":0,\"mode\":\"0755\",\"expected\":"
	    "{\"owner\":\"smmsp\",\"group\":\"smmsp\",\"mode\":\"0770\"},"
	    "\"writable_by_mta\":false,\"entries\":%ld,\"by_prefix\":{\"qf\":"
	    "%ld,\"df\":%ld},\"orphans\":0,\"oldest_age_s\":3600,"
	    "\"dir_size_bytes\":63963136,\"ok\":false}],"
	    "\"filesystems\":[{\"mount\":\"/\",\"device\":\"/dev/sda1\","
	    "\"fstype\":\"ext3\",\"inodes_total\":2621440,\"inodes_used\":"
	    "412300,\"inodes_free\":2209140,\"inodes_used_pct\":15.7,"
	    "\"bytes_total\":41943040000,\"bytes_free\":20132659200},"
	    "{\"mount\":\"/var\",\"device\":\"/dev/sda2\",\"fstype\":\"ext3\","
	    "\"inodes_total\":1310720,\"inodes_used\":1253007,\"inodes_free\":"
	    "57713,\"inodes_used_pct\":%ld.%ld,\"bytes_total\":20971520000,"
	    "\"bytes_free\":7340032000}],"
	    "\"mta\":{\"kind\":\"sendmail\",\"daemon_running\":%s,"
	    "\"smtp_listening\":%s},"
	    "\"events\":[%s],\"event_groups\":[],"
	    "\"mail\":{\"mailboxes\":[{\"user\":\"root\",\"path\":"
	    "\"/var/spool/mail/root\",\"messages\":%ld,\"unread\":%ld,"
	    "\"bytes\":48211968,\"oldest_ts\":\"2019-03-02T04:01:01Z\","
	    "\"newest_ts\":\"%s\",\"cron\":[{\"user\":\"root\",\"command\":"
	    "\"/bin/freemem%ld.py\",\"count\":%ld,\"last_ts\":\"%s\","
	    "\"subject\":\"Cron <root@host> /bin/freemem.py\",\"excerpt\":"
	    "\"IOError: [Errno 28] No space left on device\"}]}],"
	    "\"queued\":[],\"queued_total\":%ld},"
	    "\"findings\":[{\"code\":\"spool.permissions\",\"severity\":"
	    "\"critical\",\"subject\":\"/var/spool/clientmqueue\",\"message\":"
	    "\"/var/spool/clientmqueue is root:root 0755, expected "
	    "smmsp:smmsp 0770\",\"evidence\":{\"mode\":\"0755\"},\"remedy\":"
	    "\"chown smmsp:smmsp /var/spool/clientmqueue && chmod 0770 "
	    "/var/spool/clientmqueue\"},{\"code\":\"fs.inodes_high\","
	    "\"severity\":\"warning\",\"subject\":\"/var\",\"message\":"
	    "\"inode use 95%%\",\"evidence\":{\"pct\":95},\"remedy\":"
	    "\"find /var -xdev -type f | wc -l\"}],\"errors\":[]}",
	    i, i % 65536, i % 4096, (i / 7) % 4096, i, h, lab, ts, v % 50,
	    v % 25, v % 25, 80 + h % 20, v % 10,
	    h % 10 ? "true" : "false", h % 10 ? "true" : "false", ev,
	    100 + v % 50, 90 + v % 50, sts, h % 40, 90 + v % 50, sts, v % 5);
	if (n >= cap)
		die("report buffer too small");
	return n;
}

/* --- ingest ------------------------------------------------------------------ */

struct xfer {
	CURL *h;
	long idx;
	double t0;
	struct curl_slist *hdrs;
};

static size_t
sink(char *p, size_t sz, size_t n, void *u)
{
	(void)p;
	(void)u;
	return sz * n;
}

static int
ingest(const char *url, long n, int conc, long hosts, int events,
    const char *token)
{
	struct buf *bodies = calloc((size_t)n, sizeof(*bodies));
	double *lat = calloc((size_t)n, sizeof(double));
	struct xfer *x = calloc((size_t)conc, sizeof(*x));
	char *tmp = malloc(1 << 20), auth[512], full[8][1024];
	int nurl = 0;
	long next = 0, done = 0, st[6] = {0}, errors = 0;
	size_t raw = 0, wire = 0;
	CURLM *m;
	double t0, t1;
	time_t now = time(NULL);

	if (!bodies || !lat || !x || !tmp)
		die("out of memory");
	for (long i = 0; i < n; i++) {
		size_t len = report(tmp, 1 << 20, i, hosts, events, now);
		bodies[i] = gz(tmp, len);
		raw += len;
		wire += bodies[i].len;
	}
	free(tmp);
	printf("  %ld reports prepared: %zu bytes of JSON each, %zu gzip\n", n,
	    raw / (size_t)n, wire / (size_t)n);
	for (const char *u = url; *u && nurl < 8; nurl++) {
		size_t len = strcspn(u, ",");
		snprintf(full[nurl], sizeof(full[nurl]), "%.*s/api/v1/reports",
		    (int)len, u);
		u += len + (u[len] == ',');
	}
	if (nurl == 0)
		die("no URL");
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)conc);
	t0 = now_s();
	for (int k = 0; k < conc && next < n; k++) {
		x[k].h = curl_easy_init();
		x[k].hdrs = curl_slist_append(NULL, "Content-Type: "
		    "application/json");
		x[k].hdrs = curl_slist_append(x[k].hdrs, "Content-Encoding: "
		    "gzip");
		x[k].hdrs = curl_slist_append(x[k].hdrs, "Expect:");
		if (*token)
			x[k].hdrs = curl_slist_append(x[k].hdrs, auth);
		curl_easy_setopt(x[k].h, CURLOPT_URL, full[k % nurl]);
		curl_easy_setopt(x[k].h, CURLOPT_HTTPHEADER, x[k].hdrs);
		curl_easy_setopt(x[k].h, CURLOPT_WRITEFUNCTION, sink);
		curl_easy_setopt(x[k].h, CURLOPT_PRIVATE, &x[k]);
		curl_easy_setopt(x[k].h, CURLOPT_TIMEOUT, 60L);
		x[k].idx = next++;
		curl_easy_setopt(x[k].h, CURLOPT_POSTFIELDS, bodies[x[k].idx].p);
		curl_easy_setopt(x[k].h, CURLOPT_POSTFIELDSIZE,
		    (long)bodies[x[k].idx].len);
		x[k].t0 = now_s();
		curl_multi_add_handle(m, x[k].h);
	}
	while (done < n) {
		int running, left;
		CURLMsg *msg;

		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct xfer *xf;
			long code = 0;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&xf);
			curl_easy_getinfo(xf->h, CURLINFO_RESPONSE_CODE, &code);
			if (msg->data.result != CURLE_OK)
				errors++;
			else if (code / 100 >= 1 && code / 100 <= 5)
				st[code / 100]++;
			lat[done++] = now_s() - xf->t0;
			curl_multi_remove_handle(m, xf->h);
			if (next < n) {
				xf->idx = next++;
				curl_easy_setopt(xf->h, CURLOPT_POSTFIELDS,
				    bodies[xf->idx].p);
				curl_easy_setopt(xf->h, CURLOPT_POSTFIELDSIZE,
				    (long)bodies[xf->idx].len);
				xf->t0 = now_s();
				curl_multi_add_handle(m, xf->h);
			}
		}
		if (done < n)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	t1 = now_s();
	qsort(lat, (size_t)n, sizeof(double), cmp_double);
	printf("  %ld reports over %d connections in %.2f s: %.0f reports/s\n",
	    n, conc, t1 - t0, (double)n / (t1 - t0));
	printf("  latency p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms\n",
	    pct(lat, (size_t)n, 0.50) * 1e3, pct(lat, (size_t)n, 0.90) * 1e3,
	    pct(lat, (size_t)n, 0.99) * 1e3, lat[n - 1] * 1e3);
	printf("  answers: 2xx %ld  4xx %ld  5xx %ld  transport errors %ld\n",
	    st[2], st[4], st[5], errors);
	for (int k = 0; k < conc; k++) {
		if (x[k].h)
			curl_easy_cleanup(x[k].h);
		curl_slist_free_all(x[k].hdrs);
	}
	curl_multi_cleanup(m);
	for (long i = 0; i < n; i++)
		free(bodies[i].p);
	free(bodies);
	free(lat);
	free(x);
	return st[2] == n ? 0 : 1;
}

static int
get(const char *url, long n, const char *token)
{
	double *lat = calloc((size_t)n, sizeof(double));
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	char auth[512];
	long bad = 0;

	if (*token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		hdrs = curl_slist_append(NULL, auth);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	for (long i = 0; i < n; i++) {
		double t0 = now_s();
		long code = 0;
		if (curl_easy_perform(h) != CURLE_OK)
			bad++;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		if (code != 200)
			bad++;
		lat[i] = now_s() - t0;
	}
	qsort(lat, (size_t)n, sizeof(double), cmp_double);
	printf("  %ld x GET: p50 %.1f ms  p99 %.1f ms  max %.1f ms%s\n", n,
	    pct(lat, (size_t)n, 0.5) * 1e3, pct(lat, (size_t)n, 0.99) * 1e3,
	    lat[n - 1] * 1e3, bad ? "  (some failed!)" : "");
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	free(lat);
	return bad ? 1 : 0;
}

/* --- SQLite ------------------------------------------------------------------- */

static void
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "loadgen: %s: %s\n", sql, msg);
		exit(1);
	}
}

static sqlite3 *
open_db(const char *path)
{
	sqlite3 *db;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(sqlite3_errmsg(db));
	exec(db, "PRAGMA journal_mode=WAL");
	return db;
}

static void
unlink_db(const char *path)
{
	char p[4096];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static double
ceiling_run(const char *path, long rows, int per_tx, const char *sync,
    int index)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char sql[128], msg[160];
	double t0, t;

	unlink_db(path);
	db = open_db(path);
	snprintf(sql, sizeof(sql), "PRAGMA synchronous=%s", sync);
	exec(db, sql);
	exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, host TEXT, ts "
	    "INTEGER, kind TEXT, msg TEXT)");
	if (index)
		exec(db, "CREATE INDEX t_host_ts ON t (host, ts)");
	if (sqlite3_prepare_v2(db, "INSERT INTO t (host, ts, kind, msg) "
	    "VALUES (?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(db));
	t0 = now_s();
	for (long i = 0; i < rows; i++) {
		char host[32];
		if (i % per_tx == 0)
			exec(db, "BEGIN");
		snprintf(host, sizeof(host), "host%05ld.example.com",
		    (i * 7919) % 100000);
		snprintf(msg, sizeof(msg), "SYSERR(root): collect: Cannot "
		    "write ./dfu1F1K2am%06ld (bfcommit, uid=51, gid=51): "
		    "Permission denied", i % 999999);
		sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, 1771147200 + i);
		sqlite3_bind_text(st, 3, "syserr", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, msg, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			die(sqlite3_errmsg(db));
		sqlite3_reset(st);
		if (i % per_tx == per_tx - 1 || i == rows - 1)
			exec(db, "COMMIT");
	}
	t = now_s() - t0;
	sqlite3_finalize(st);
	sqlite3_close(db);
	unlink_db(path);
	return (double)rows / t;
}

static int
ceiling(const char *path, long rows)
{
	long small = rows / 20 > 2000 ? rows / 20 : 2000;

	printf("  SQLite %s, WAL, prepared INSERT of ~150-byte rows:\n",
	    sqlite3_libversion());
	printf("  %-52s %9.0f rows/s\n", "1000-row transactions, synchronous="
	    "NORMAL", ceiling_run(path, rows, 1000, "NORMAL", 0));
	printf("  %-52s %9.0f rows/s\n", "1000-row transactions, synchronous="
	    "FULL", ceiling_run(path, rows, 1000, "FULL", 0));
	printf("  %-52s %9.0f rows/s\n", "one row per transaction, NORMAL",
	    ceiling_run(path, small, 1, "NORMAL", 0));
	printf("  %-52s %9.0f rows/s\n", "one row per transaction, FULL",
	    ceiling_run(path, small / 4, 1, "FULL", 0));
	printf("  %-52s %9.0f rows/s\n", "1000-row transactions + index "
	    "(host TEXT, ts)", ceiling_run(path, rows, 1000, "NORMAL", 1));
	return 0;
}

static int
bigdb(const char *path, const char *schema_path, long hosts, long events)
{
	sqlite3 *db;
	sqlite3_stmt *h, *hs, *f, *fs, *mc, *ev, *es;
	FILE *fp = fopen(schema_path, "r");
	char *schema, name[64], state[512], data[600];
	long len;
	time_t now = time(NULL);
	double t0 = now_s();
	static const char *const codes[] = {"spool.permissions",
	    "spool.not_writable_by_mta", "fs.inodes_high", "mta.down",
	    "log.syserr", "mail.unread_root", "spool.bloated_dir",
	    "mail.undelivered"};
	static const char *const sev[] = {"critical", "warning", "info"};

	if (fp == NULL)
		die("cannot read the schema");
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	schema = calloc(1, (size_t)len + 1);
	if (fread(schema, 1, (size_t)len, fp) != (size_t)len)
		die("short read of the schema");
	fclose(fp);
	unlink_db(path);
	db = open_db(path);
	exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144");
	exec(db, schema);
	free(schema);
	{
		char v[96];
		snprintf(v, sizeof(v),
		         "INSERT OR REPLACE INTO meta (key, value) "
		         "VALUES ('schema_version', '%d')",
		         SCHEMA_VERSION);
		exec(db, v);
	}
#define P(st, sql) if (sqlite3_prepare_v2(db, sql, -1, &st, NULL)) \
	die(sqlite3_errmsg(db))
	P(h, "INSERT INTO hosts (id, name, os, kernel, agent_version, "
	    "first_seen, last_seen, collected_at, interval_s, reports, "
	    "last_report_id, mta_kind, mta_running, mta_listening, mta_down, "
	    "queued_total, unread_total, open_critical, open_warning, "
	    "open_info) VALUES (?1, ?2, 'RHEL 5', '2.6.18', '0.1.0', "
	    "?3, ?4, ?4, 60, 1000, 'x', 'sendmail', ?5, ?5, 1 - ?5, ?6, ?7, "
	    "?8, ?9, 0)");
	P(hs, "INSERT INTO host_state (host_id, hash, state) VALUES "
	    "(?1, ?1, ?2)");
	P(f, "INSERT INTO findings (host_id, code, subject, severity, "
	    "message, evidence, remedy, first_seen, last_seen, last_report) "
	    "VALUES (?1, ?2, '/var/spool/clientmqueue', ?3, 'm', '{}', 'r', "
	    "?4, ?5, 1)");
	P(fs, "INSERT INTO filesystems (host_id, mount, device, fstype, "
	    "inodes_total, inodes_used, inodes_free, inodes_used_pct, "
	    "bytes_total, bytes_free) VALUES (?1, ?2, '/dev/sda1', 'ext3', "
	    "1000000, ?3, 1000000 - ?3, ?3 / 10000.0, 1, 1)");
	P(mc, "INSERT INTO mail_cron (host_id, command, user, unread, queued, "
	    "last_ts) VALUES (?1, ?2, 'root', ?3, ?4, ?5)");
	P(es, "INSERT INTO event_sigs (signature, host_id, kind, count, "
	    "last_ts) VALUES (?1, ?2, ?3, ?4, ?5)");
	P(ev, "INSERT INTO events (host_id, eid, ts, kind, signature, data) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	exec(db, "BEGIN");
	for (long i = 1; i <= hosts; i++) {
		int down = i % 50 == 0, nf = (int)(i % 4);
		snprintf(name, sizeof(name), "host%06ld.example.com", i);
		snprintf(state, sizeof(state), "{\"spools\":[],\"filesystems\":"
		    "[],\"mta\":{\"kind\":\"sendmail\",\"daemon_running\":%s},"
		    "\"mail\":null,\"errors\":[]}", down ? "false" : "true");
		sqlite3_bind_int64(h, 1, i);
		sqlite3_bind_text(h, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(h, 3, now - 86400 * 30);
		/* one host in 100 silent for a day */
		sqlite3_bind_int64(h, 4, i % 100 ? now - i % 60 : now - 86400);
		sqlite3_bind_int(h, 5, !down);
		sqlite3_bind_int64(h, 6, i % 7);
		sqlite3_bind_int64(h, 7, i % 13 * 10);
		sqlite3_bind_int(h, 8, nf > 0);
		sqlite3_bind_int(h, 9, nf > 1 ? nf - 1 : 0);
		if (sqlite3_step(h) != SQLITE_DONE)
			die(sqlite3_errmsg(db));
		sqlite3_reset(h);
		sqlite3_bind_int64(hs, 1, i);
		sqlite3_bind_text(hs, 2, state, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(hs) != SQLITE_DONE)
			die(sqlite3_errmsg(db));
		sqlite3_reset(hs);
		for (int k = 0; k < nf; k++) {
			sqlite3_bind_int64(f, 1, i);
			sqlite3_bind_text(f, 2, codes[(i + k) % 8], -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(f, 3, sev[k % 3], -1, SQLITE_STATIC);
			sqlite3_bind_int64(f, 4, now - (i % 1000) * 3600);
			sqlite3_bind_int64(f, 5, now - i % 60);
			if (sqlite3_step(f) != SQLITE_DONE)
				die(sqlite3_errmsg(db));
			sqlite3_reset(f);
		}
		for (int k = 0; k < 2; k++) {
			sqlite3_bind_int64(fs, 1, i);
			sqlite3_bind_text(fs, 2, k ? "/var" : "/", -1,
			    SQLITE_STATIC);
			sqlite3_bind_int64(fs, 3, (i * 7919 + k) % 999999);
			if (sqlite3_step(fs) != SQLITE_DONE)
				die(sqlite3_errmsg(db));
			sqlite3_reset(fs);
		}
		for (int k = 0; k < 2; k++) {
			char cmd[64];
			snprintf(cmd, sizeof(cmd), "/usr/local/bin/job%ld.sh",
			    (i * (k + 3)) % 500);
			sqlite3_bind_int64(mc, 1, i);
			sqlite3_bind_text(mc, 2, cmd, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(mc, 3, i % 17);
			sqlite3_bind_int64(mc, 4, k);
			sqlite3_bind_int64(mc, 5, now - i % 3600);
			sqlite3_step(mc);	/* a repeated command: ignored */
			sqlite3_reset(mc);
		}
		for (int k = 0; k < 3; k++) {
			char sig[96];
			snprintf(sig, sizeof(sig), "SYSERR(root): signature "
			    "%ld: Permission denied", (i * (k + 1)) % 200);
			sqlite3_bind_text(es, 1, sig, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(es, 2, i);
			sqlite3_bind_text(es, 3, "syserr", -1, SQLITE_STATIC);
			sqlite3_bind_int64(es, 4, 1 + i % 40);
			sqlite3_bind_int64(es, 5, now - i % 3600);
			sqlite3_step(es);
			sqlite3_reset(es);
		}
	}
	for (long e = 0; e < events; e++) {
		long hid = 1 + (e * 7919) % hosts;
		char eid[32], sig[96];
		if (e % 100000 == 0) {
			exec(db, "COMMIT");
			exec(db, "BEGIN");
		}
		snprintf(eid, sizeof(eid), "%016lx", e);
		snprintf(sig, sizeof(sig), "SYSERR(root): signature %ld: "
		    "Permission denied", e % 200);
		snprintf(data, sizeof(data), "{\"id\":\"%s\",\"kind\":\"syserr\","
		    "\"program\":\"sendmail\",\"message\":\"%s\",\"raw\":\"Feb 15 "
		    "09:20:02 host sendmail[7134]: %s\"}", eid, sig, sig);
		sqlite3_bind_int64(ev, 1, hid);
		sqlite3_bind_text(ev, 2, eid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ev, 3, now - (events - e) % (7 * 86400));
		sqlite3_bind_text(ev, 4, "syserr", -1, SQLITE_STATIC);
		sqlite3_bind_text(ev, 5, sig, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ev, 6, data, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ev) != SQLITE_DONE)
			die(sqlite3_errmsg(db));
		sqlite3_reset(ev);
	}
	exec(db, "COMMIT");
	exec(db, "ANALYZE");
	sqlite3_finalize(h);
	sqlite3_finalize(hs);
	sqlite3_finalize(f);
	sqlite3_finalize(fs);
	sqlite3_finalize(mc);
	sqlite3_finalize(es);
	sqlite3_finalize(ev);
	exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	sqlite3_close(db);
	printf("  database with %ld hosts and %ld events written in %.0f s\n",
	    hosts, events, now_s() - t0);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen ingest URL[,URL...] [-n N] [-c C] [-H HOSTS] "
	    "[-e EVENTS] [-t TOKEN] [-L]\n"
	    "       loadgen get URL [-n N] [-t TOKEN]\n"
	    "       loadgen ceiling DBFILE [-n ROWS]\n"
	    "       loadgen bigdb DBFILE SCHEMA.sql [-H HOSTS] [-e EVENTS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	long n = 20000, hosts = 10000, events = 3;
	int conc = 64, c, nargs;
	const char *token = "", *mode;

	if (argc < 3)
		usage();
	mode = argv[1];
	nargs = strcmp(mode, "bigdb") == 0 ? 2 : 1;
	if (argc < 2 + nargs)
		usage();
	optind = 2 + nargs;
	while ((c = getopt(argc, argv, "n:c:H:e:t:L")) != -1) {
		switch (c) {
		case 'L': with_labels = 1; break;
		case 'n': n = atol(optarg); break;
		case 'c': conc = atoi(optarg); break;
		case 'H': hosts = atol(optarg); break;
		case 'e': events = atol(optarg); break;
		case 't': token = optarg; break;
		default: usage();
		}
	}
	if (n < 1 || conc < 1 || hosts < 1 || events < 0)
		usage();
	if (strcmp(mode, "ingest") == 0)
		return ingest(argv[2], n, conc, hosts, (int)events, token);
	if (strcmp(mode, "get") == 0)
		return get(argv[2], n, token);
	if (strcmp(mode, "ceiling") == 0)
		return ceiling(argv[2], n);
	if (strcmp(mode, "bigdb") == 0)
		return bigdb(argv[2], argv[3], hosts, events);
	usage();
	return 2;
}
