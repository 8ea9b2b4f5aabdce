/*
 * 40-overview.js - the overview: tiles, open findings, critical remedies,
 * fleet history, SYSERR signatures, fullest filesystems, silent hosts,
 * MTA down.
 */

async function viewOverview() {
	const [sum, crit, mail] = await Promise.all([
		api('/summary'),
		api('/findings', { state: 'open', severity: 'critical',
		    role: 'cause', limit: 100 }),
		api('/mail', { limit: MAIL_TOP }),
	]);
	const hosts = sum.hosts || {};
	const m = sum.mail || {};
	const mtaDown = sum.mta_down || {};
	const inc = sum.incidents && typeof sum.incidents === 'object' ?
	    sum.incidents : null;
	const incCrit = inc && inc.by_severity && inc.by_severity.critical ?
	    inc.by_severity.critical : {};
	if (sum.generated_at)
		$('generated').textContent = 'summary generated ' +
		    sum.generated_at;

	const tiles = h('div', { class: 'tiles' },
	    tile('Hosts', hosts.total, route(['hosts']), ''),
	    tile('Reporting', hosts.reporting, route(['hosts']), 'good'),
	    inc ? tile('Incidents (causes)', inc.open, route(['findings'],
		{ state: 'open', role: 'cause' }), inc.open ? 'warn' : '') : null,
	    inc ? tile('Critical incidents', incCrit.open, route(['findings'],
		{ state: 'open', role: 'cause', severity: 'critical' }),
		incCrit.open ? 'bad' : '') : null,
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
	parts.push(historyCard(null));
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
	const sym = list.some((f) => typeof f.symptoms === 'number');
	const rows = list.map((f) => h('tr', null,
	    h('td', { class: 'code' }, h('a', { href: route(['findings'],
		{ code: f.code, severity: f.severity, state: 'open' }) },
		displayText(f.code))),
	    td(sevBadge(f.severity)),
	    h('td', { class: 'num', 'data-sort': f.hosts }, h('a', {
		href: route(['hosts'], { finding: f.code,
		severity: f.severity }) }, num(f.hosts))),
	    sym ? tdNum(f.symptoms || 0) : null));
	return section('Open findings by code and severity',
	    table(['finding', 'severity', 'hosts', sym ? 'of them symptoms' :
		null].filter((x) => x), rows, 'findings-top'),
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

function mtaCard(d) {
	const ex = arr(d.examples);
	return section('MTA down while mail waits',
	    d.hosts ? h('p', null, count(d.hosts, 'host'), ', e.g. ',
		ex.map((n, i) => [i ? ', ' : '', hostLink(n)]),
		' · ', h('a', { href: route(['hosts'],
		    { finding: 'mta.down' }) }, 'all →')) :
		empty('Every MTA with mail waiting is running.'));
}
