/*
 * 46-hosts.js - the host list.
 */

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
		const mta = x.mta && typeof x.mta === 'object' ? x.mta : {};
		return h('tr', { class: x.stale ? 'stale' : null },
		    h('td', { 'data-sort': displayText(x.name) }, hostLink(x.name),
			x.stale ? h('span', { class: 'badge bad' }, 'silent') :
			null),
		    h('td', { class: 'labels-cell', 'data-sort': labelsText(x.labels) },
			labelChips(x.labels)),
		    td(displayText(x.os || '')),
		    td(displayText(mta.kind || ''), mta.daemon_running === false ?
			h('span', { class: 'badge bad' }, 'down') : null),
		    td(when(x.last_seen)),
		    h('td', { class: 'num', 'data-sort': c.critical || 0 },
			c.critical ? h('span', { class: 'sev sev-critical' },
			    num(c.critical)) : '0'),
		    h('td', { class: 'num', 'data-sort': c.warning || 0 },
			c.warning ? h('span', { class: 'sev sev-warning' },
			    num(c.warning)) : '0'),
		    tdNum(c.info || 0));
	});
	const csv = csvButton('hosts', ['host', 'labels', 'os', 'mta',
	    'mta_running', 'last_seen', 'stale', 'critical', 'warning', 'info'],
	    list.map((x) => {
		const c = sevCounts(x);
		const mta = x.mta && typeof x.mta === 'object' ? x.mta : {};
		return [x.name, labelsText(x.labels), x.os, mta.kind,
		    mta.daemon_running, x.last_seen, x.stale, c.critical || 0,
		    c.warning || 0, c.info || 0];
	    }));
	return h('div', null, h('h1', null, 'Hosts'), form,
	    list.length ? [h('div', { class: 'list-tools' }, csv),
		table(['host', 'labels', 'OS', 'MTA', 'last report', 'critical',
		    'warning', 'info'], rows, 'hosts')] :
		empty('No host matches.'),
	    pager(page, ['hosts'], q));
}
