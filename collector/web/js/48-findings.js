/*
 * 48-findings.js - findings: one finding as a list item, and the findings
 * view.
 */

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
