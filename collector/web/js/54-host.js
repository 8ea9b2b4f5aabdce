/*
 * 54-host.js - one host: its labels, incidents (causes, their symptoms
 * folded), spools, filesystems, MTA, history charts, mail and events.
 */

async function viewHost(name) {
	const [d, resolved] = await Promise.all([
		api('/hosts/' + encodeURIComponent(name), { history_hours: 0 }),
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
		' · agent ' + displayText(d.agent_version) : '',
		d.mta && d.mta.kind ? ' · MTA ' + displayText(d.mta.kind) : ''),
	    labelChips(d.labels || info.labels));
	return h('div', { class: 'host-page' }, head,
	    Array.isArray(d.incidents) ? incidentsSection(d.incidents) :
	    section('Open findings', open.length ?
		h('ul', { class: 'findings' },
		    open.map((f) => findingItem(f, false))) :
		empty('No open finding.')),
	    section('Mail spools', spoolsTable(arr(d.spools))),
	    section('Filesystems', fsTable(arr(d.filesystems))),
	    mtaSection(d.mta),
	    historyCard(d.name || name),
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

/*
 * The host's incidents: each cause (an open finding that is not a
 * symptom) with its remedy, then its symptoms folded under it.
 */
function incidentsSection(list) {
	const inc = list.filter((x) => x && x.cause && typeof x.cause === 'object');
	const nsym = inc.reduce((n, x) => n + arr(x.symptoms).length, 0);
	return section('Incidents', inc.length ? [
	    h('p', { class: 'muted incident-count' }, count(inc.length, 'cause'),
		nsym ? ' · ' + count(nsym, 'symptom') + ' folded under them' :
		''),
	    h('ul', { class: 'findings incidents' }, inc.map((x) => {
		const sym = arr(x.symptoms);
		const li = findingItem(x.cause, false);
		li.classList.add('incident');
		if (sym.length)
			li.appendChild(h('details', { class: 'symptoms' },
			    h('summary', null, count(sym.length, 'symptom') +
				' of this cause'),
			    h('ul', { class: 'findings symptom-list' },
				sym.map((f) => findingItem(f, false)))));
		return li;
	    }))] : empty('No open finding.'));
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
		    td(pathCode(s.path),
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
		    h('td', { class: 'num', 'data-sort': s.dir_size_bytes },
			bytes(s.dir_size_bytes)));
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
		    h('td', { class: 'num', 'data-sort': f.bytes_free },
			bytes(f.bytes_free), ' of ',
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
	    td(pathCode(b.path)),
	    tdNum(b.messages), tdNum(b.unread),
	    h('td', { class: 'num', 'data-sort': b.bytes }, bytes(b.bytes)),
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
