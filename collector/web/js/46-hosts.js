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
