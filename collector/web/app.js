/*
 * app.js - the spoolwatch fleet dashboard.
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
 */
'use strict';

(function () {
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

	/* ---- DOM construction (text only) ------------------------------ */

	/*
	 * h(tag, attrs, ...kids): an element.  attrs are set with
	 * setAttribute (class, href, title, ...) except "on*" functions,
	 * which become listeners; kids are nodes or strings, and strings
	 * become text nodes.  null/undefined/false kids are skipped.
	 */
	function h(tag, attrs, ...kids) {
		const e = document.createElement(tag);
		setAttrs(e, attrs);
		append(e, kids);
		return e;
	}

	function svg(tag, attrs, ...kids) {
		const e = document.createElementNS(SVGNS, tag);
		setAttrs(e, attrs);
		append(e, kids);
		return e;
	}

	function setAttrs(e, attrs) {
		if (!attrs)
			return;
		for (const [k, v] of Object.entries(attrs)) {
			if (v === null || v === undefined || v === false)
				continue;
			if (k.startsWith('on') && typeof v === 'function')
				e.addEventListener(k.slice(2), v);
			else
				e.setAttribute(k, v === true ? '' : String(v));
		}
	}

	function append(e, kids) {
		for (const k of kids.flat(Infinity)) {
			if (k === null || k === undefined || k === false)
				continue;
			e.appendChild(k instanceof Node ? k :
			    document.createTextNode(String(k)));
		}
	}

	/* RFC 3339 in whole seconds, as the API writes it. */
	function iso(ms) {
		return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
	}

	function clear(e) {
		while (e.firstChild)
			e.removeChild(e.firstChild);
	}

	/* A "#/..." link; parts are path segments, query a plain object. */
	function route(parts, query) {
		let s = '#/' + parts.map(encodeURIComponent).join('/');
		const q = new URLSearchParams();
		for (const [k, v] of Object.entries(query || {}))
			if (v !== undefined && v !== null && v !== '')
				q.set(k, String(v));
		const qs = q.toString();
		return qs ? s + '?' + qs : s;
	}

	function hostLink(name) {
		return h('a', { href: route(['host', name]), class: 'host' },
		    displayText(name));
	}

	/* Control characters are made visible rather than passed through. */
	function displayText(v) {
		if (v === null || v === undefined)
			return '';
		return String(v).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g,
		    (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
	}

	/* ---- formatting -------------------------------------------------- */

	const numFmt = new Intl.NumberFormat('en-US');

	function num(n) {
		return typeof n === 'number' && isFinite(n) ? numFmt.format(n) :
		    '–';
	}

	/* "1 host", "3 hosts" */
	function count(n, word) {
		return num(n) + ' ' + word + (n === 1 ? '' : 's');
	}

	function bytes(n) {
		if (typeof n !== 'number' || !isFinite(n))
			return '–';
		const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
		let i = 0;
		while (n >= 1024 && i < u.length - 1) {
			n /= 1024;
			i++;
		}
		return (i === 0 ? String(n) : n.toFixed(n < 10 ? 1 : 0)) +
		    ' ' + u[i];
	}

	function duration(s) {
		if (typeof s !== 'number' || !isFinite(s))
			return '–';
		s = Math.max(0, Math.round(s));
		if (s < 90)
			return s + ' s';
		if (s < 90 * 60)
			return Math.round(s / 60) + ' min';
		if (s < 36 * 3600)
			return Math.round(s / 3600) + ' h';
		if (s < 2 * 365 * 86400)
			return Math.round(s / 86400) + ' d';
		return (s / (365 * 86400)).toFixed(1) + ' y';
	}

	/* <time> with a relative text and the exact RFC 3339 in the title. */
	function when(ts) {
		if (!ts)
			return h('span', { class: 'muted' }, 'never');
		const t = Date.parse(ts);
		if (isNaN(t))
			return h('span', null, displayText(ts));
		const ago = (Date.now() - t) / 1000;
		return h('time', { datetime: ts, title: ts },
		    ago >= 0 ? duration(ago) + ' ago' : 'in ' + duration(-ago));
	}

	function sevBadge(sev) {
		const s = SEVERITIES.includes(sev) ? sev : 'unknown';
		return h('span', { class: 'sev sev-' + s }, displayText(sev));
	}

	function yesNo(v, goodWhen) {
		if (v === null || v === undefined)
			return h('span', { class: 'muted' }, 'unknown');
		return h('span', { class: v === goodWhen ? 'good' : 'bad' },
		    v ? 'yes' : 'no');
	}

	/* Preformatted text from a host, collapsed when long. */
	function excerpt(text, lines) {
		const t = displayText(text);
		if (!t)
			return h('span', { class: 'muted' }, '–');
		const all = t.split('\n');
		if (all.length <= (lines || 4) && t.length <= 400)
			return h('pre', { class: 'excerpt' }, t);
		const head = all.slice(0, lines || 4).join('\n').slice(0, 400);
		return h('details', { class: 'excerpt' },
		    h('summary', null, h('pre', null, head + ' …')),
		    h('pre', null, t));
	}

	/* A remedy: shown verbatim with a button that copies it. */
	function remedy(text) {
		if (!text)
			return null;
		const t = String(text);
		const btn = h('button', { type: 'button', class: 'copy',
		    title: 'Copy the remedy' }, 'Copy');
		const pre = h('pre', { class: 'remedy-text' }, displayText(t));
		btn.addEventListener('click', () => copyText(t, pre, btn));
		return h('div', { class: 'remedy' }, pre, btn);
	}

	async function copyText(text, pre, btn) {
		let done = false;
		try {
			if (navigator.clipboard && window.isSecureContext) {
				await navigator.clipboard.writeText(text);
				done = true;
			}
		} catch (e) {
			done = false;
		}
		if (!done) {
			/* Plain http to a remote collector: select it instead. */
			const r = document.createRange();
			r.selectNodeContents(pre);
			const sel = window.getSelection();
			sel.removeAllRanges();
			sel.addRange(r);
			try {
				done = document.execCommand('copy');
			} catch (e) {
				done = false;
			}
		}
		btn.textContent = done ? 'Copied' : 'Selected – press Ctrl+C';
		setTimeout(() => { btn.textContent = 'Copy'; }, 2500);
	}

	/* Evidence is free-form JSON from the agent: show it as JSON text. */
	function evidence(ev) {
		if (ev === null || ev === undefined || ev === '')
			return null;
		const t = typeof ev === 'string' ? ev : JSON.stringify(ev, null, 1);
		return h('details', { class: 'evidence' },
		    h('summary', null, 'Evidence'), h('pre', null, displayText(t)));
	}

	function table(headers, rows, cls) {
		return h('table', { class: cls || null },
		    h('thead', null, h('tr', null,
			headers.map((x) => h('th', null, x)))),
		    h('tbody', null, rows));
	}

	function td(...kids) {
		return h('td', null, ...kids);
	}

	function tdNum(n) {
		return h('td', { class: 'num' }, num(n));
	}

	function section(title, ...kids) {
		return h('section', { class: 'card' }, h('h2', null, title),
		    ...kids);
	}

	function empty(text) {
		return h('p', { class: 'empty' }, text);
	}

	/* ---- SVG bars and sparklines ------------------------------------ */

	function pctClass(p) {
		return p >= 95 ? 'crit' : p >= 85 ? 'warn' : 'ok';
	}

	/* A horizontal bar, pct in 0..100, with its label inside the SVG. */
	function bar(pct, label) {
		const p = typeof pct === 'number' && isFinite(pct) ?
		    Math.min(100, Math.max(0, pct)) : 0;
		return svg('svg', { class: 'bar ' + pctClass(p),
		    viewBox: '0 0 200 16', preserveAspectRatio: 'none',
		    role: 'img', 'aria-label': label },
		    svg('title', null, label),
		    svg('rect', { class: 'bar-bg', x: 0, y: 0, width: 200,
			height: 16, rx: 2 }),
		    svg('rect', { class: 'bar-fg', x: 0, y: 0,
			width: (p * 2).toFixed(1), height: 16, rx: 2 }));
	}

	function sparkline(counts, label) {
		const w = 120, ht = 24, n = counts.length;
		const max = Math.max(1, ...counts);
		const pts = counts.map((c, i) =>
		    (n === 1 ? w / 2 : (i * w) / (n - 1)).toFixed(1) + ',' +
		    (ht - 2 - (c / max) * (ht - 4)).toFixed(1)).join(' ');
		return svg('svg', { class: 'spark', viewBox: '0 0 ' + w + ' ' + ht,
		    width: w, height: ht, role: 'img', 'aria-label': label },
		    svg('title', null, label),
		    svg('polyline', { points: pts }));
	}

	/* ---- the API ------------------------------------------------------ */

	class ApiError extends Error {
		constructor(kind, status, code, message) {
			super(message);
			this.kind = kind;	/* down | auth | http | bad */
			this.status = status;
			this.code = code;
		}
	}

	function token() {
		try {
			return sessionStorage.getItem(TOKEN_KEY) || '';
		} catch (e) {
			return '';
		}
	}

	function setToken(t) {
		try {
			if (t)
				sessionStorage.setItem(TOKEN_KEY, t);
			else
				sessionStorage.removeItem(TOKEN_KEY);
		} catch (e) {
			/* storage disabled: the token lives as long as the page */
		}
		memToken = t;
	}

	let memToken = '';

	async function api(path, params) {
		const url = new URL(API + path, location.origin);
		for (const [k, v] of Object.entries(params || {}))
			if (v !== undefined && v !== null && v !== '')
				url.searchParams.set(k, String(v));
		const headers = { Accept: 'application/json' };
		const tok = token() || memToken;
		if (tok)
			headers.Authorization = 'Bearer ' + tok;
		const ctl = new AbortController();
		const timer = setTimeout(() => ctl.abort(), FETCH_TIMEOUT_MS);
		let resp;
		try {
			resp = await fetch(url, { headers, cache: 'no-store',
			    credentials: 'omit', signal: ctl.signal });
		} catch (e) {
			throw new ApiError('down', 0, 'unreachable',
			    ctl.signal.aborted ?
			    'the collector did not answer within ' +
			    FETCH_TIMEOUT_MS / 1000 + ' s' :
			    'the collector cannot be reached (' + e.message + ')');
		} finally {
			clearTimeout(timer);
		}
		let body = null;
		try {
			body = await resp.json();
		} catch (e) {
			body = null;
		}
		const err = body && typeof body.error === 'object' && body.error ?
		    body.error : {};
		if (resp.status === 401 || resp.status === 403)
			throw new ApiError('auth', resp.status, err.code,
			    err.message || 'a read token is required');
		if (!resp.ok)
			throw new ApiError(resp.status >= 500 ? 'down' : 'http',
			    resp.status, err.code || String(resp.status),
			    err.message || resp.statusText || 'request failed');
		if (body === null || typeof body !== 'object')
			throw new ApiError('bad', resp.status, 'bad_json',
			    path + ' did not answer JSON');
		return body;
	}

	/* List helpers: tolerate a bare array as well as {items, next_cursor}. */
	function items(page) {
		return Array.isArray(page) ? page :
		    Array.isArray(page && page.items) ? page.items : [];
	}

	function arr(v) {
		return Array.isArray(v) ? v : [];
	}

	/* ---- banner, status, token form ---------------------------------- */

	const $ = (id) => document.getElementById(id);

	function banner(kind, text) {
		const b = $('banner');
		clear(b);
		if (!text) {
			b.hidden = true;
			return;
		}
		b.className = 'banner banner-' + kind;
		b.appendChild(document.createTextNode(text));
		b.hidden = false;
	}

	function status(text) {
		$('status').textContent = text;
	}

	let tokenWaiting = false;

	function askToken(refused) {
		tokenWaiting = true;
		const f = $('token-form');
		const e = $('token-error');
		e.textContent = refused ?
		    'The collector refused this token. Enter another one.' : '';
		e.hidden = !refused;
		f.hidden = false;
		$('token-input').value = '';
		$('token-input').focus();
	}

	function initToken() {
		memToken = token();
		$('token-form').addEventListener('submit', (ev) => {
			ev.preventDefault();
			const t = $('token-input').value.trim();
			if (!t)
				return;
			setToken(t);
			$('token-form').hidden = true;
			tokenWaiting = false;
			updateForget();
			render(false);
		});
		$('forget-token').addEventListener('click', (ev) => {
			ev.preventDefault();
			setToken('');
			updateForget();
			render(false);
		});
		updateForget();
	}

	function updateForget() {
		$('forget-token').hidden = !(token() || memToken);
	}

	/* ---- views ------------------------------------------------------- */

	/*
	 * cached(map, key, fn): fn()'s promise, shared by every caller for
	 * SPARK_TTL_MS (so a refresh does not ask again, nor twice at once);
	 * a failure is forgotten at once.  At most 200 keys are kept.
	 */
	function cached(map, key, fn) {
		const hit = map.get(key);
		if (hit && Date.now() - hit.at < SPARK_TTL_MS)
			return hit.p;
		const p = fn();
		map.set(key, { at: Date.now(), p });
		p.catch(() => {
			if (map.get(key) && map.get(key).p === p)
				map.delete(key);
		});
		if (map.size > 200)
			map.delete(map.keys().next().value);
		return p;
	}

	/* Sparkline series per signature. */
	const sparkCache = new Map();

	/*
	 * syserrSeries(item): lines per hour of one SYSERR signature over the
	 * SPARK_HOURS up to its last line (up to now for a live one), counted
	 * from /api/v1/events; a series from the summary item wins.  partial
	 * is set when more than SPARK_MAX_PAGES pages of events matched.
	 */
	function syserrSeries(item) {
		if (Array.isArray(item.series) && item.series.length) {
			return Promise.resolve({ counts: item.series.map((x) =>
			    typeof x === 'number' ? x : Number(x && x.count) || 0),
			    partial: false, end: null });
		}
		return cached(sparkCache, item.signature + '\n' +
		    (item.last_ts || ''), () => countSeries(item));
	}

	/*
	 * countSeries(item): the signature's lines of the SPARK_HOURS up to
	 * its last one, in SPARK_BUCKETS buckets of the finest step in
	 * SPARK_STEPS that still covers the oldest line read (a burst of the
	 * last hour is drawn per 5 min, not as one spike).  When more than
	 * SPARK_MAX_PAGES pages matched, only the newest lines were read, so
	 * the step stays at one hour and partial is set.
	 */
	async function countSeries(item) {
		const hour = 3600 * 1000;
		const last = Date.parse(item.last_ts);
		const end = Math.ceil(Math.min(Date.now(),
		    isNaN(last) ? Infinity : last + 1) / (5 * 60 * 1000)) *
		    (5 * 60 * 1000);
		const ts = [];
		let cursor = null, pages = 0;
		do {
			const page = await api('/events', { kind: 'syserr',
			    signature: item.signature,
			    since: iso(end - SPARK_HOURS * hour), until: iso(end),
			    limit: 1000, cursor });
			for (const ev of items(page)) {
				const t = Date.parse(ev.ts);
				if (!isNaN(t))
					for (let n = typeof ev.count === 'number' ?
					    Math.min(ev.count, 1000) : 1; n > 0; n--)
						ts.push(t);
			}
			cursor = page.next_cursor || null;
			pages++;
		} while (cursor && pages < SPARK_MAX_PAGES);
		const partial = cursor !== null;
		const oldest = ts.length ? Math.min(...ts) : end;
		const step = partial ? hour : SPARK_STEPS.find((st) =>
		    end - SPARK_BUCKETS * st <= oldest) || hour;
		const start = end - SPARK_BUCKETS * step;
		const counts = new Array(SPARK_BUCKETS).fill(0);
		for (const t of ts) {
			const i = Math.floor((t - start) / step);
			if (i >= 0 && i < SPARK_BUCKETS)
				counts[i]++;
		}
		return { counts, partial, end: new Date(end), step };
	}

	async function viewOverview() {
		const [sum, crit, mail] = await Promise.all([
			api('/summary'),
			api('/findings', { state: 'open', severity: 'critical',
			    limit: 100 }),
			api('/mail', { limit: MAIL_TOP }),
		]);
		const hosts = sum.hosts || {};
		const m = sum.mail || {};
		const mtaDown = sum.mta_down || {};
		if (sum.generated_at)
			$('generated').textContent = 'summary generated ' +
			    sum.generated_at;

		const tiles = h('div', { class: 'tiles' },
		    tile('Hosts', hosts.total, route(['hosts']), ''),
		    tile('Reporting', hosts.reporting, route(['hosts']), 'good'),
		    tile('Silent', hosts.stale, route(['hosts'], { stale: 'true' }),
			hosts.stale ? 'bad' : ''),
		    tile('MTA down', mtaDown.hosts,
			route(['hosts'], { finding: 'mta.down' }),
			mtaDown.hosts ? 'bad' : ''),
		    tile('Mail queued', m.queued_total, route(['mail']),
			m.queued_total ? 'warn' : ''),
		    tile('Unread root mail', m.unread_total, route(['mail']),
			m.unread_total ? 'warn' : ''));

		const parts = [tiles];
		if (!hosts.total)
			parts.push(h('p', { class: 'card' }, 'No host has reported ' +
			    'yet. Agents send here with ', h('code', null,
				'spoolwatch-agent --server ' + location.origin), '.'));
		parts.push(h('div', { class: 'grid' },
		    findingsCard(arr(sum.findings)),
		    criticalCard(items(crit), crit.next_cursor)));
		parts.push(h('div', { class: 'grid' },
		    syserrCard(arr(sum.syserr_top).slice(0, SYSERR_TOP)),
		    inodesCard(arr(sum.inodes_top))));
		parts.push(mailCard(m, items(mail), mail.next_cursor),
		    h('div', { class: 'grid' }, silentCard(hosts), mtaCard(mtaDown)));
		return h('div', { class: 'overview' }, parts);
	}

	function tile(label, value, href, cls) {
		return h('a', { class: 'tile ' + (cls || ''), href },
		    h('span', { class: 'tile-value' }, num(value)),
		    h('span', { class: 'tile-label' }, label));
	}

	const SEV_RANK = { critical: 0, warning: 1, info: 2 };

	function findingsCard(all) {
		/* critical first, then by hosts (the API sorts by hosts only) */
		const list = all.slice().sort((a, b) =>
		    (SEV_RANK[a.severity] ?? 3) - (SEV_RANK[b.severity] ?? 3) ||
		    (b.hosts || 0) - (a.hosts || 0));
		if (!list.length)
			return section('Open findings', empty('No open findings.'));
		const rows = list.map((f) => h('tr', null,
		    h('td', { class: 'code' }, h('a', { href: route(['findings'],
			{ code: f.code, severity: f.severity, state: 'open' }) },
			displayText(f.code))),
		    td(sevBadge(f.severity)),
		    h('td', { class: 'num' }, h('a', { href: route(['hosts'],
			{ finding: f.code, severity: f.severity }) },
			num(f.hosts)))));
		return section('Open findings by code and severity',
		    table(['finding', 'severity', 'hosts'], rows, 'findings-top'),
		    h('p', { class: 'hint' },
			'A finding lists its hosts with the remedy; the host ' +
			'count lists the hosts.'));
	}

	/*
	 * criticalCard(list): the newest open critical findings, grouped by
	 * code, subject and remedy, so that one remedy shared by many hosts
	 * is shown once with the hosts it fixes.
	 */
	function criticalCard(list, more) {
		const groups = new Map();
		for (const f of list) {
			const k = [f.code, f.subject, f.remedy].join('\u0000');
			if (!groups.has(k))
				groups.set(k, { f, hosts: [] });
			groups.get(k).hosts.push(f.host);
		}
		const shown = [...groups.values()].slice(0, CRIT_GROUPS);
		const body = shown.length ? h('ul', { class: 'crit-list' },
		    shown.map(({ f, hosts }) => h('li', { class:
			'sev-border-critical' },
			h('div', { class: 'crit-head' },
			    h('a', { href: route(['findings'], { code: f.code,
				severity: 'critical', state: 'open' }) },
				h('code', null, displayText(f.code))), ' ',
			    h('span', { class: 'subject' }, displayText(f.subject))),
			h('div', { class: 'msg' }, displayText(f.message)),
			h('div', { class: 'crit-hosts muted' }, 'on ',
			    hosts.slice(0, 5).map((n, i) => [i ? ', ' : '',
				hostLink(n)]),
			    hosts.length > 5 ? ' and ' + (hosts.length - 5) +
			    ' more' : ''),
			remedy(f.remedy)))) :
		    empty('Nothing critical is open.');
		return section('Critical now', body, h('p', { class: 'more' },
		    h('a', { href: route(['findings'], { state: 'open',
			severity: 'critical' }) }, groups.size > shown.length ||
			more ? 'All critical findings (more) →' :
			'All critical findings →')));
	}

	/*
	 * later(cell, promise, draw): fill cell once promise settles, so a
	 * view is shown before its slower lookups (sparklines, latest mail)
	 * come back.  A failure leaves a short note; the banner is for the
	 * view's own requests.
	 */
	function later(cell, promise, draw) {
		cell.appendChild(h('span', { class: 'muted pending' }, '…'));
		promise.then((v) => {
			clear(cell);
			append(cell, [draw(v)]);
		}, (e) => {
			clear(cell);
			cell.appendChild(h('span', { class: 'muted',
			    title: e.message }, 'n/a'));
		});
		return cell;
	}

	function syserrCard(list) {
		if (!list.length)
			return section('SYSERR signatures',
			    empty('No SYSERR lines reported.'));
		const rows = list.map((s) => h('tr', null,
		    h('td', { class: 'sig' }, h('a', { href: route(['events'],
			{ kind: 'syserr', signature: s.signature }) },
			h('code', null, displayText(s.signature)))),
		    tdNum(s.hosts), tdNum(s.count), td(when(s.last_ts)),
		    later(h('td', { class: 'spark-cell' }), syserrSeries(s),
			(ser) => sparkline(ser.counts, 'SYSERR lines per ' +
			    (ser.step === 3600 * 1000 ? 'hour' : ser.step ?
			    duration(ser.step / 1000) : 'bucket') +
			    (ser.end ? ' up to ' + iso(ser.end.getTime()) : '') +
			    (ser.partial ?
			    ' (first ' + SPARK_MAX_PAGES * 1000 + ' lines only)' :
			    '') + ': ' + ser.counts.join(' ')))));
		return section('SYSERR signatures hitting the most hosts',
		    table(['signature', 'hosts', 'lines', 'last',
			'trend to the last line'], rows, 'syserr-top'));
	}

	function inodesCard(list) {
		if (!list.length)
			return section('Fullest filesystems by inodes',
			    empty('No filesystem reported.'));
		const rows = list.map((f) => {
			const label = displayText(f.host) + ' ' +
			    displayText(f.mount) + ': ' +
			    pctText(f.inodes_used_pct) + ' of inodes used';
			return h('tr', null, td(hostLink(f.host)),
			    td(h('code', null, displayText(f.mount))),
			    h('td', { class: 'bar-cell' },
				bar(f.inodes_used_pct, label)),
			    h('td', { class: 'num' }, pctText(f.inodes_used_pct)));
		});
		return section('Fullest filesystems by inodes',
		    table(['host', 'mount', 'inodes used', ''], rows,
			'inodes-top'));
	}

	function pctText(p) {
		return typeof p === 'number' && isFinite(p) ?
		    (p >= 99.95 || p === Math.round(p) ? Math.round(p) :
		    p.toFixed(1)) + ' %' : '–';
	}

	function silentCard(hosts) {
		const list = arr(hosts.silent);
		return section('Silent hosts', list.length ?
		    h('ul', { class: 'plain' }, list.map((x) => h('li', null,
			hostLink(x.host), ' ', h('span', { class: 'muted' },
			    'last report ', when(x.last_seen))))) :
		    empty('Every host reported recently.'),
		    hosts.stale ? h('p', { class: 'more' }, h('a', { href:
			route(['hosts'], { stale: 'true' }) }, 'All silent hosts (' +
			num(hosts.stale) + ') →')) : null);
	}

	function mailCard(m, groups, more) {
		const head = h('p', { class: 'mail-totals' },
		    num(m.queued_total), ' queued on ',
		    count(m.hosts_with_queued, 'host'), ' · ', num(m.unread_total),
		    ' unread');
		if (!groups.length)
			return section('Stuck and unread mail', head,
			    empty('No queued or unread mail.'));
		return section('Stuck and unread mail by cron job', head,
		    mailGroups(groups),
		    more ? h('p', { class: 'more' }, h('a', { href: route(['mail']) },
			'All mail groups →')) : null);
	}

	/*
	 * latestMail(command): the newest cron mail behind a command on one of
	 * its hosts: /api/v1/mail?command= names the hosts, and
	 * /api/v1/mail?command=&host= carries that host's subject and excerpt.
	 * Cached for SPARK_TTL_MS; at most MAIL_TOP commands are looked up
	 * per page, the rest on request.
	 */
	const mailCache = new Map();

	function latestMail(command) {
		return cached(mailCache, command, () => findLatestMail(command));
	}

	async function findLatestMail(command) {
		const g = items(await api('/mail', { command, limit: 1 }))[0];
		const host = g ? arr(g.host_examples)[0] : undefined;
		let value = null;
		if (host !== undefined) {
			const x = items(await api('/mail', { command, host,
			    limit: 1 }))[0] || {};
			value = { host, subject: x.subject, excerpt: x.excerpt,
			    last_ts: x.last_ts };
		}
		return value;
	}

	function latestBody(x) {
		return [x.host !== undefined ? h('div', { class: 'muted' },
		    'on ', hostLink(x.host), x.last_ts ? [' ', when(x.last_ts)] :
		    null) : null,
		    x.subject ? h('div', { class: 'subject' },
			displayText(x.subject)) : null,
		    x.excerpt ? excerpt(x.excerpt, 3) : null];
	}

	/*
	 * The latest-output cell: given by the API, looked up (the first
	 * MAIL_TOP rows), or a button to look it up.
	 */
	function latestCell(g, i) {
		const cell = h('td', { class: 'latest' });
		if (g.excerpt !== undefined || g.subject !== undefined) {
			append(cell, latestBody(g));
		} else if (g.command && i < MAIL_TOP) {
			later(cell, latestMail(g.command), (x) => x ?
			    latestBody(x) : h('span', { class: 'muted' }, 'none'));
		} else if (g.command) {
			const b = h('button', { type: 'button' }, 'Show latest');
			b.addEventListener('click', async () => {
				b.disabled = true;
				try {
					const x = await latestMail(g.command);
					clear(cell);
					append(cell, x ? latestBody(x) :
					    [h('span', { class: 'muted' }, 'none')]);
				} catch (e) {
					b.disabled = false;
					b.textContent = 'Failed: ' + e.message;
				}
			});
			cell.appendChild(b);
		}
		return cell;
	}

	/*
	 * Mail groups from /api/v1/mail: one row per cron command with its
	 * hosts, message counts and the latest output.
	 */
	function mailGroups(groups) {
		const rows = groups.map((g, i) => {
			const cmd = g.command || g.cron_command;
			return h('tr', null,
			    h('td', { class: 'cmd' }, cmd ?
				h('a', { href: route(['mail'], { command: cmd }) },
				    h('code', null, displayText(cmd))) :
				h('span', { class: 'muted' }, '(not cron)')),
			    tdNum(typeof g.hosts === 'number' ? g.hosts :
				arr(g.hosts).length),
			    tdNum(g.messages), tdNum(g.unread), tdNum(g.queued),
			    latestCell(g, i));
		});
		return table(['cron command', 'hosts', 'messages', 'unread',
		    'queued', 'latest output'], rows, 'mail-groups');
	}

	function mtaCard(d) {
		const ex = arr(d.examples);
		return section('MTA down while mail waits',
		    d.hosts ? h('p', null, count(d.hosts, 'host'), ', e.g. ',
			ex.map((n, i) => [i ? ', ' : '', hostLink(n)]),
			' · ', h('a', { href: route(['hosts'],
			    { finding: 'mta.down' }) }, 'all →')) :
			empty('Every MTA with mail waiting is running.'));
	}

	/* -- host list -- */

	function filterForm(fields, q, target) {
		const form = h('form', { class: 'filters' });
		for (const f of fields) {
			let input;
			if (f.options) {
				input = h('select', { name: f.name },
				    h('option', { value: '' }, f.any || 'any'),
				    f.options.map((o) => h('option', { value: o,
					selected: q.get(f.name) === o }, o)));
			} else if (f.checkbox) {
				input = h('input', { type: 'checkbox', name: f.name,
				    value: 'true', checked: q.get(f.name) === 'true' });
			} else {
				input = h('input', { type: f.type || 'search',
				    name: f.name, placeholder: f.placeholder || '',
				    spellcheck: 'false' });
				input.value = q.get(f.name) || '';
			}
			form.appendChild(h('label', null, f.label, ' ', input));
		}
		form.appendChild(h('button', { type: 'submit' }, 'Filter'));
		form.addEventListener('submit', (ev) => {
			ev.preventDefault();
			const out = {};
			for (const f of fields) {
				const el = form.elements[f.name];
				if (f.checkbox)
					out[f.name] = el.checked ? 'true' : '';
				else
					out[f.name] = el.value.trim();
			}
			location.hash = route(target, out);
		});
		return form;
	}

	function pager(page, base, q) {
		const nav = h('nav', { class: 'pager' });
		if (q.get('cursor')) {
			const first = Object.fromEntries(q);
			delete first.cursor;
			nav.appendChild(h('a', { href: route(base, first) },
			    '« first page'));
		}
		if (page && page.next_cursor) {
			const next = Object.fromEntries(q);
			next.cursor = page.next_cursor;
			nav.appendChild(h('a', { href: route(base, next),
			    class: 'next' }, 'next page »'));
		}
		return nav.childNodes.length ? nav : null;
	}

	/*
	 * The API parameters of a list view: its filters from the hash, the
	 * cursor, and the page size (PAGE, or "limit" from the hash).
	 */
	function apiParams(q, names) {
		const lim = parseInt(q.get('limit') || '', 10);
		const p = { limit: lim > 0 && lim <= 1000 ? lim : PAGE };
		for (const n of names)
			if (q.get(n))
				p[n] = q.get(n);
		if (q.get('cursor'))
			p.cursor = q.get('cursor');
		return p;
	}

	/* Open findings by severity, whatever key the host item uses. */
	function sevCounts(item) {
		const c = item.open_findings || item.findings || item.open ||
		    item.counts || {};
		if (Array.isArray(c)) {
			const o = {};
			for (const f of c)
				o[f.severity] = (o[f.severity] || 0) + 1;
			return o;
		}
		return typeof c === 'object' && c ? c : {};
	}

	async function viewHosts(q) {
		const page = await api('/hosts',
		    apiParams(q, ['q', 'finding', 'severity', 'stale']));
		const list = items(page);
		const form = filterForm([
			{ name: 'q', label: 'Name', placeholder: 'host name' },
			{ name: 'finding', label: 'Finding', options: FINDING_CODES },
			{ name: 'severity', label: 'Severity', options: SEVERITIES },
			{ name: 'stale', label: 'Silent only', checkbox: true },
		], q, ['hosts']);
		const rows = list.map((x) => {
			const c = sevCounts(x);
			return h('tr', { class: x.stale ? 'stale' : null },
			    td(hostLink(x.name),
				x.stale ? h('span', { class: 'badge bad' }, 'silent') :
				null),
			    td(when(x.last_seen)),
			    h('td', { class: 'num' }, c.critical ?
				h('span', { class: 'sev sev-critical' }, num(c.critical)) :
				'0'),
			    h('td', { class: 'num' }, c.warning ?
				h('span', { class: 'sev sev-warning' }, num(c.warning)) :
				'0'),
			    tdNum(c.info || 0));
		});
		return h('div', null, h('h1', null, 'Hosts'), form,
		    list.length ? table(['host', 'last report', 'critical',
			'warning', 'info'], rows, 'hosts') :
			empty('No host matches.'),
		    pager(page, ['hosts'], q));
	}

	/* -- findings -- */

	function findingItem(f, showHost) {
		return h('li', { class: 'finding sev-border-' + (f.severity || '') },
		    h('div', { class: 'finding-head' }, sevBadge(f.severity), ' ',
			showHost && f.host ? [hostLink(f.host), ' '] : null,
			h('code', null, displayText(f.code)), ' ',
			h('span', { class: 'subject' }, displayText(f.subject))),
		    h('div', { class: 'msg' }, displayText(f.message)),
		    remedy(f.remedy),
		    evidence(f.evidence),
		    h('div', { class: 'times muted' },
			f.first_seen ? ['first seen ', when(f.first_seen)] : null,
			f.last_seen ? [' · last seen ', when(f.last_seen)] : null,
			f.resolved_at ? [' · resolved ', when(f.resolved_at)] :
			null));
	}

	async function viewFindings(q) {
		const page = await api('/findings',
		    apiParams(q, ['code', 'severity', 'state', 'host']));
		const list = items(page);
		const form = filterForm([
			{ name: 'code', label: 'Finding', options: FINDING_CODES },
			{ name: 'severity', label: 'Severity', options: SEVERITIES },
			{ name: 'state', label: 'State',
			    options: ['open', 'resolved'], any: 'open or resolved' },
			{ name: 'host', label: 'Host', placeholder: 'exact name' },
		], q, ['findings']);
		return h('div', null, h('h1', null, 'Findings'), form,
		    list.length ? h('ul', { class: 'findings' },
			list.map((f) => findingItem(f, true))) :
			empty('No finding matches.'),
		    pager(page, ['findings'], q));
	}

	/* -- events -- */

	function eventsTable(list, showHost) {
		const rows = list.map((e) => h('tr', { class: 'ev-' +
		    (EVENT_KINDS.includes(e.kind) ? e.kind : 'other') },
		    td(when(e.ts)),
		    showHost ? td(hostLink(e.host)) : null,
		    h('td', { class: 'kind' }, displayText(e.kind)),
		    td(h('code', null, displayText(e.program)),
			e.pid !== undefined && e.pid !== null ?
			'[' + displayText(e.pid) + ']' : ''),
		    td(h('code', null, displayText(e.queue_id))),
		    h('td', { class: 'logmsg' }, displayText(e.message))));
		return table(['when', showHost ? 'host' : null, 'kind', 'program',
		    'queue id', 'message'].filter((x) => x), rows, 'events');
	}

	async function viewEvents(q) {
		const page = await api('/events',
		    apiParams(q, ['host', 'kind', 'signature', 'since', 'until']));
		const list = items(page);
		const form = filterForm([
			{ name: 'host', label: 'Host', placeholder: 'exact name' },
			{ name: 'kind', label: 'Kind', options: EVENT_KINDS },
			{ name: 'signature', label: 'Signature',
			    placeholder: 'signature' },
			{ name: 'since', label: 'Since',
			    placeholder: '2026-01-31T00:00:00Z' },
		], q, ['events']);
		return h('div', null, h('h1', null, 'Events'), form,
		    list.length ? eventsTable(list, true) :
			empty('No event matches.'),
		    pager(page, ['events'], q));
	}

	/* -- mail -- */

	async function viewMail(q) {
		const page = await api('/mail', apiParams(q, ['host', 'command']));
		const list = items(page);
		const t = page.totals || {};
		const form = filterForm([
			{ name: 'command', label: 'Cron command',
			    placeholder: '/bin/freemem.py' },
			{ name: 'host', label: 'Host', placeholder: 'exact name' },
		], q, ['mail']);
		const examples = q.get('command') && list.length === 1 ?
		    arr(list[0].host_examples) : [];
		return h('div', null,
		    h('h1', null, 'Queued and unread mail by cron job'), form,
		    t.queued_total !== undefined ? h('p', { class: 'mail-totals' },
			num(t.queued_total), ' queued on ',
			count(t.hosts_with_queued, 'host'), ' · ',
			num(t.unread_total), ' unread') : null,
		    list.length ? mailGroups(list) :
			empty('No mail matches.'),
		    examples.length ? h('p', null, 'Hosts with the most of it: ',
			examples.map((n, i) => [i ? ', ' : '', h('a', {
			    href: route(['mail'], { command: q.get('command'),
				host: n }) }, displayText(n))])) : null,
		    pager(page, ['mail'], q));
	}

	/* -- one host -- */

	async function viewHost(name) {
		const [d, resolved] = await Promise.all([
			api('/hosts/' + encodeURIComponent(name)),
			api('/findings', { host: name, state: 'resolved',
			    limit: 20 }),
		]);
		const info = d.host && typeof d.host === 'object' ? d.host : {};
		const open = arr(d.open_findings || d.findings);
		const events = arr(d.recent_events || d.events);
		const mail = d.mail || {};
		const head = h('div', { class: 'host-head' },
		    h('h1', null, displayText(d.name || name),
			d.stale ? h('span', { class: 'badge bad' }, 'silent') : null),
		    h('p', { class: 'muted' },
			'last report ', when(d.last_seen), ' · first seen ',
			when(d.first_seen), ' · ', count(d.reports, 'report'),
			d.os || info.os ? ' · ' + displayText(d.os || info.os) : '',
			d.kernel || info.kernel ?
			' · kernel ' + displayText(d.kernel || info.kernel) : '',
			d.agent_version ?
			' · agent ' + displayText(d.agent_version) : ''));
		return h('div', { class: 'host-page' }, head,
		    section('Open findings', open.length ?
			h('ul', { class: 'findings' },
			    open.map((f) => findingItem(f, false))) :
			empty('No open finding.')),
		    section('Mail spools', spoolsTable(arr(d.spools))),
		    section('Filesystems', fsTable(arr(d.filesystems))),
		    h('div', { class: 'grid' }, mtaSection(d.mta),
			trendsSection(arr(d.history))),
		    mailSection(mail),
		    section('Recent events', events.length ?
			eventsTable(events.slice(0, HOST_EVENTS), false) :
			empty('No recent event.'),
			h('p', { class: 'more' }, h('a', { href: route(['events'],
			    { host: d.name || name }) }, 'All events of this host →'))),
		    section('Resolved findings', items(resolved).length ?
			h('ul', { class: 'findings resolved' },
			    items(resolved).map((f) => findingItem(f, false))) :
			empty('Nothing resolved yet.')),
		    arr(d.errors).length ? section('What the agent could not read',
			h('ul', null, arr(d.errors).map((e) => h('li', null,
			    h('code', null, displayText(e.source)), ': ',
			    displayText(e.error))))) : null);
	}

	/* The host's curves (history: metric, subject, points [[ts, v]]). */
	function trendsSection(list) {
		const rows = list.filter((x) => arr(x.points).length).map((x) => {
			const pts = arr(x.points);
			const vals = pts.map((p) => Number(p[1]) || 0);
			const lastV = vals[vals.length - 1];
			const label = displayText(x.metric) + ' ' +
			    displayText(x.subject) + ' since ' +
			    displayText(pts[0][0]) + ': ' + vals.join(' ');
			return h('tr', null, td(displayText(x.metric)),
			    td(h('code', null, displayText(x.subject))),
			    td(vals.length > 1 ? sparkline(vals, label) :
				h('span', { class: 'muted' }, 'one point')),
			    h('td', { class: 'num' }, Number.isInteger(lastV) ?
				num(lastV) : lastV.toFixed(1)),
			    td(when(pts[pts.length - 1][0])));
		});
		return section('Trends', rows.length ? table(['metric', 'of',
		    'curve', 'last', 'at'], rows, 'trends') :
		    empty('No history yet.'));
	}

	function mtaSection(mta) {
		const m = mta || {};
		return section('MTA', h('dl', { class: 'kv' },
		    h('dt', null, 'kind'), h('dd', null, displayText(m.kind || '–')),
		    h('dt', null, 'daemon running'),
		    h('dd', null, yesNo(m.daemon_running, true)),
		    h('dt', null, 'listening on port 25'),
		    h('dd', null, yesNo(m.smtp_listening, true))));
	}

	function spoolsTable(list) {
		if (!list.length)
			return empty('No spool reported.');
		const rows = list.map((s) => {
			const exp = s.expected || {};
			const own = displayText(s.owner) + ':' + displayText(s.group) +
			    ' ' + displayText(s.mode);
			const want = exp.owner || exp.group || exp.mode ?
			    displayText(exp.owner) + ':' + displayText(exp.group) +
			    ' ' + displayText(exp.mode) : '';
			const prefixes = Object.entries(s.by_prefix || {})
			    .map(([k, v]) => displayText(k) + ' ' + num(v)).join(', ');
			return h('tr', { class: s.ok === false ? 'not-ok' : null },
			    td(h('code', null, displayText(s.path)),
				s.role ? h('div', { class: 'muted' },
				    displayText(s.role)) : null),
			    td(s.exists === false ? h('span', { class: 'bad' },
				'missing') : yesNo(s.ok, true)),
			    td(h('code', { class: want && want !== own ? 'bad' : null },
				own), want && want !== own ?
				h('div', { class: 'muted' }, 'expected ', h('code', null,
				    want)) : null),
			    td(yesNo(s.writable_by_mta, true)),
			    h('td', { class: 'num' }, num(s.entries),
				prefixes ? h('div', { class: 'muted' }, prefixes) : null),
			    tdNum(s.orphans),
			    td(duration(s.oldest_age_s)),
			    h('td', { class: 'num' }, bytes(s.dir_size_bytes)));
		});
		return table(['path', 'ok', 'owner:group mode', 'MTA can write',
		    'entries', 'orphans', 'oldest', 'dir inode'], rows, 'spools');
	}

	function fsTable(list) {
		if (!list.length)
			return empty('No filesystem reported.');
		const rows = list.map((f) => {
			const label = displayText(f.mount) + ': ' +
			    pctText(f.inodes_used_pct) + ' of inodes used';
			return h('tr', null,
			    td(h('code', null, displayText(f.mount))),
			    td(displayText(f.device), ' ',
				h('span', { class: 'muted' }, displayText(f.fstype))),
			    h('td', { class: 'bar-cell' }, bar(f.inodes_used_pct,
				label)),
			    h('td', { class: 'num' }, pctText(f.inodes_used_pct)),
			    h('td', { class: 'num' }, num(f.inodes_used), ' / ',
				num(f.inodes_total)),
			    h('td', { class: 'num' }, bytes(f.bytes_free), ' of ',
				bytes(f.bytes_total)));
		});
		return table(['mount', 'device', 'inodes used', '', 'inodes',
		    'space free'], rows, 'filesystems');
	}

	function mailSection(mail) {
		const boxes = arr(mail.mailboxes);
		const queued = arr(mail.queued);
		const boxRows = boxes.map((b) => h('tr', null,
		    td(displayText(b.user)),
		    td(h('code', null, displayText(b.path))),
		    tdNum(b.messages), tdNum(b.unread),
		    h('td', { class: 'num' }, bytes(b.bytes)),
		    td(when(b.oldest_ts)), td(when(b.newest_ts))));
		const cronRows = [];
		for (const b of boxes)
			for (const c of arr(b.cron))
				cronRows.push(h('tr', null,
				    h('td', { class: 'cmd' }, h('code', null,
					displayText(c.command))),
				    td(displayText(c.user)), tdNum(c.count),
				    tdNum(c.unread || 0),
				    td(when(c.last_ts)),
				    h('td', { class: 'latest' },
					c.subject ? h('div', { class: 'subject' },
					    displayText(c.subject)) : null,
					excerpt(c.excerpt, 3))));
		const qRows = queued.map((m) => h('tr', null,
		    td(h('code', null, displayText(m.queue))),
		    td(h('code', null, displayText(m.id))),
		    td(displayText(m.from)),
		    td(arr(m.to).map(displayText).join(', ')),
		    td(displayText(m.subject)),
		    td(when(m.created_ts)), tdNum(m.tries),
		    td(displayText(m.status)),
		    td(m.cron_command ? h('code', null,
			displayText(m.cron_command)) : '')));
		return section('Mail',
		    h('h3', null, 'Mailboxes'),
		    boxRows.length ? table(['user', 'path', 'messages', 'unread',
			'size', 'oldest', 'newest'], boxRows, 'mailboxes') :
			empty('No watched mailbox.'),
		    h('h3', null, 'Cron output in mailboxes'),
		    cronRows.length ? table(['cron command', 'user', 'messages',
			'unread', 'last', 'latest output'], cronRows, 'cron') :
			empty('No cron mail.'),
		    h('h3', null, 'Queued (', num(mail.queued_total !== undefined ?
			mail.queued_total : queued.length), ')'),
		    qRows.length ? table(['queue', 'id', 'from', 'to', 'subject',
			'created', 'tries', 'status', 'cron command'], qRows,
			'queued') : empty('Nothing queued.'));
	}

	/* ---- routing and refresh ---------------------------------------- */

	function parseHash() {
		const raw = location.hash.replace(/^#\/?/, '');
		const qi = raw.indexOf('?');
		const path = qi < 0 ? raw : raw.slice(0, qi);
		const q = new URLSearchParams(qi < 0 ? '' : raw.slice(qi + 1));
		let parts;
		try {
			parts = path.split('/').filter((p) => p !== '')
			    .map(decodeURIComponent);
		} catch (e) {
			parts = ['bad'];
		}
		return { parts, q };
	}

	function pick(r) {
		const [p0, p1] = r.parts;
		switch (p0 || '') {
		case '':
			return { nav: 'overview', title: 'Overview',
			    run: () => viewOverview() };
		case 'hosts':
			return { nav: 'hosts', title: 'Hosts',
			    run: () => viewHosts(r.q) };
		case 'host':
			if (p1 !== undefined)
				return { nav: 'hosts', title: p1,
				    run: () => viewHost(p1) };
			break;
		case 'findings':
			return { nav: 'findings', title: 'Findings',
			    run: () => viewFindings(r.q) };
		case 'events':
			return { nav: 'events', title: 'Events',
			    run: () => viewEvents(r.q) };
		case 'mail':
			return { nav: 'mail', title: 'Mail',
			    run: () => viewMail(r.q) };
		default:
			break;
		}
		return { nav: '', title: 'Not found', run: async () =>
		    h('div', null, h('h1', null, 'No such page'),
			h('p', null, h('a', { href: '#/' }, 'Back to the overview'))) };
	}

	let generation = 0;
	let timer = null;
	let lastOk = null;

	/*
	 * render(isRefresh): run the current view and swap it in.  A refresh
	 * leaves the page alone while the user is typing in it, and a newer
	 * navigation wins over an older request still in flight.
	 */
	async function render(isRefresh) {
		clearTimeout(timer);
		const view = $('view');
		if (isRefresh && (tokenWaiting || document.hidden ||
		    (document.activeElement && view.contains(document.activeElement) &&
		    /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)))) {
			schedule();
			return;
		}
		const gen = ++generation;
		const r = parseHash();
		if (!isRefresh)
			$('generated').textContent = '';
		const v = pick(r);
		document.title = (v.title ? displayText(v.title) + ' – ' : '') +
		    'spoolwatch';
		for (const a of document.querySelectorAll('[data-nav]'))
			a.classList.toggle('active', a.dataset.nav === v.nav);
		if (!isRefresh) {
			view.setAttribute('aria-busy', 'true');
			view.classList.add('loading');
		}
		status('loading…');
		try {
			const node = await v.run();
			if (gen !== generation)
				return;
			clear(view);
			view.appendChild(node);
			view.classList.remove('loading', 'outdated');
			view.setAttribute('aria-busy', 'false');
			banner('', '');
			lastOk = new Date();
			status('updated ' + lastOk.toLocaleTimeString('en-GB') +
			    ' · refresh every ' + REFRESH_S + ' s');
		} catch (e) {
			if (gen !== generation)
				return;
			view.classList.remove('loading');
			view.setAttribute('aria-busy', 'false');
			showError(e);
		}
		schedule();
	}

	function showError(e) {
		const view = $('view');
		const stale = lastOk ? ' Showing data from ' +
		    lastOk.toLocaleTimeString('en-GB') + '.' : '';
		if (!(e instanceof ApiError)) {
			banner('error', 'The dashboard failed: ' + e.message);
			status('error');
			return;
		}
		if (e.kind === 'auth') {
			const had = !!(token() || memToken);
			if (had)
				setToken('');
			updateForget();
			banner('auth', had ? 'Token refused: the collector answered ' +
			    e.status + ' (' + (e.message || 'unauthorized') + ').' :
			    'The collector needs a read token to show anything.');
			status('token needed');
			clear(view);
			view.appendChild(empty('Waiting for a read token.'));
			askToken(had);
			return;
		}
		if (e.kind === 'down') {
			banner('down', (e.status ? 'Collector error ' + e.status + ': ' :
			    'Collector down: ') + e.message + '. Retrying every ' +
			    REFRESH_S + ' s.' + stale);
			status('collector down');
		} else {
			banner('error', 'The collector answered ' + e.status + ' ' +
			    (e.code || '') + ': ' + e.message + '.' + stale);
			status('error');
		}
		view.classList.add('outdated');
		if (!view.firstChild || view.querySelector('noscript') ||
		    view.getAttribute('aria-busy') === 'true' || !lastOk) {
			clear(view);
			view.appendChild(empty('No data: ' + e.message + '.'));
		}
	}

	function schedule() {
		clearTimeout(timer);
		timer = setTimeout(() => render(true), REFRESH_S * 1000);
	}

	function start() {
		initToken();
		$('refresh').addEventListener('click', () => render(false));
		window.addEventListener('hashchange', () => {
			lastOk = null;
			render(false);
		});
		document.addEventListener('visibilitychange', () => {
			if (!document.hidden && lastOk &&
			    Date.now() - lastOk.getTime() > REFRESH_S * 1000)
				render(true);
		});
		render(false);
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
