/*
 * 00-app.js - the spoolwatch fleet dashboard as a whole, and its
 * constants: API root, refresh and page sizes, and the finding codes,
 * severities and event kinds offered as filters.
 *
 * A small hash-routed page over the collector's public JSON API
 * (/api/v1/...), nothing else.  Every node is built with createElement and
 * textContent: text that came from hosts (names, subjects, log lines,
 * commands) never reaches an HTML parser (no markup strings anywhere;
 * tests/unit/test_collector_dashboard.c enforces it), and the only
 * URLs built from it are "#/..." links with encodeURIComponent'd parts.
 * Lists are paginated and filtered by the server (limit/cursor), so the
 * page costs the same for ten hosts as for a hundred thousand.
 *
 * A read token, when the API answers 401, is asked for once and kept in
 * sessionStorage for the tab.  The current view refreshes itself every
 * REFRESH_S seconds while the tab is visible; failures (collector down,
 * token refused, API errors) are shown in a banner above the last data.
 *
 * The page is one script, /static/app.js: collector/web/bundle.sh joins
 * the files of collector/web/js/ in name order inside one strict-mode
 * function, so they share one scope and nothing is global.  90-main.js,
 * last, starts the page.
 */

const API = '/api/v1';
const REFRESH_S = 30;
const PAGE = 50;
const FETCH_TIMEOUT_MS = 15000;
const TOKEN_KEY = 'spoolwatch.read_token';
const SPARK_HOURS = 24;		/* the longest sparkline window */
const SPARK_BUCKETS = 24;
const SPARK_STEPS = [5 * 60 * 1000, 15 * 60 * 1000, 3600 * 1000];
const SPARK_MAX_PAGES = 4;	/* 4 x 1000 events per signature at most */
const SPARK_TTL_MS = 5 * 60 * 1000;
const CRIT_GROUPS = 6;		/* critical remedies on the overview */
const MAIL_TOP = 10;		/* mail groups whose latest is looked up */
const SYSERR_TOP = 10;		/* signatures with a sparkline */
const HOST_EVENTS = 20;		/* recent events on a host page */
const SVGNS = 'http://www.w3.org/2000/svg';

const FINDING_CODES = [
	'spool.missing', 'spool.not_writable_by_mta', 'spool.permissions',
	'spool.backlog', 'spool.stale', 'spool.bloated_dir',
	'spool.orphans', 'fs.inodes_high', 'mta.down', 'log.syserr',
	'mail.undelivered', 'mail.unread_root',
];
const SEVERITIES = ['critical', 'warning', 'info'];
const EVENT_KINDS = ['syserr', 'deferred', 'bounced', 'warning',
	'fatal', 'panic', 'other'];
