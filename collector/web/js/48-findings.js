/*
 * 48-findings.js - findings: one finding as a list item (open or resolved,
 * styled apart; its acknowledgement, and with an admin token the buttons
 * to acknowledge or withdraw it), and the findings view with its CSV.
 */

function findingItem(f, showHost) {
	const resolved = f.state === 'resolved' || !!f.resolved_at;
	const li = h('li', { class: 'finding sev-border-' + (f.severity || '') +
	    (resolved ? ' finding-resolved' : ' finding-open') +
	    (f.ack ? ' finding-acked' : ''),
	    'data-id': typeof f.id === 'number' ? f.id : null },
	    h('div', { class: 'finding-head' }, sevBadge(f.severity), ' ',
		resolved ? [h('span', { class: 'badge resolved' }, 'resolved'),
		    ' '] : null,
		showHost && f.host ? [hostLink(f.host), ' '] : null,
		h('code', null, displayText(f.code)), ' ',
		h('span', { class: 'subject' }, displayText(f.subject))),
	    f.caused_by && typeof f.caused_by === 'object' ?
		h('div', { class: 'caused-by muted' }, 'caused by ',
		    h('code', null, displayText(f.caused_by.code)), ' ',
		    displayText(f.caused_by.subject)) : null,
	    h('div', { class: 'msg' }, displayText(f.message)),
	    resolved ? null : remedy(f.remedy),
	    evidence(f.evidence),
	    h('div', { class: 'times muted' },
		f.first_seen ? ['first seen ', when(f.first_seen)] : null,
		f.last_seen ? [' · last seen ', when(f.last_seen)] : null,
		f.resolved_at ? [' · resolved ', when(f.resolved_at)] :
		null));
	const ack = ackBlock(f, resolved, (nf) =>
	    li.replaceWith(findingItem(nf, showHost)));
	if (ack)
		li.appendChild(ack);
	return li;
}

/*
 * ackBlock(f, resolved, replace): who acknowledged f, until when and why;
 * with an admin token, Un-acknowledge, or for an open finding
 * Acknowledge (a reason and an optional end).  replace(finding) swaps in
 * the finding as the collector answered it.
 */
function ackBlock(f, resolved, replace) {
	const admin = !!adminToken() && typeof f.id === 'number';
	const a = f.ack && typeof f.ack === 'object' ? f.ack : null;
	if (!a && (!admin || resolved))
		return null;
	const box = h('div', { class: 'ack' });
	const msg = h('span', { class: 'ack-error error-text', role: 'alert' });
	if (a) {
		box.appendChild(h('div', { class: 'ack-info' },
		    h('span', { class: 'badge acked' }, 'acknowledged'), ' by ',
		    h('strong', { class: 'ack-by' }, displayText(a.by || '?')),
		    a.at ? [' ', when(a.at)] : null,
		    a.until ? [' · until ', h('span', { class: 'ack-until' },
			when(a.until))] : ' · until it is resolved',
		    ': ', h('span', { class: 'ack-reason' }, displayText(a.reason))));
		if (admin) {
			const b = h('button', { type: 'button', class: 'unack' },
			    'Un-acknowledge');
			b.addEventListener('click', async () => {
				b.disabled = true;
				try {
					replace(await adminCall('DELETE', '/findings/' +
					    f.id + '/ack'));
				} catch (e) {
					b.disabled = false;
					msg.textContent = e.message;
				}
			});
			box.appendChild(b);
		}
	} else {
		box.appendChild(ackForm(f, replace, msg));
	}
	box.appendChild(msg);
	return box;
}

/* The Acknowledge button and the form it opens. */
function ackForm(f, replace, msg) {
	const reason = h('input', { type: 'text', name: 'reason', required: true,
	    maxlength: 1024, placeholder: 'why, e.g. a change ticket',
	    spellcheck: 'false' });
	const until = h('input', { type: 'datetime-local', name: 'until' });
	const form = h('form', { class: 'ack-form', hidden: true },
	    h('label', null, 'Reason ', reason), ' ',
	    h('label', null, 'until (local time, empty: until resolved) ',
		until), ' ',
	    h('button', { type: 'submit' }, 'Acknowledge'));
	const open = h('button', { type: 'button', class: 'ack-open' },
	    'Acknowledge');
	open.addEventListener('click', () => {
		form.hidden = !form.hidden;
		if (!form.hidden)
			reason.focus();
	});
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const r = reason.value.trim();
		const u = until.value ? new Date(until.value) : null;
		if (!r) {
			msg.textContent = 'A reason is required.';
			return;
		}
		if (u && isNaN(u.getTime())) {
			msg.textContent = 'That end time is not a date.';
			return;
		}
		for (const el of form.elements)
			el.disabled = true;
		try {
			replace(await adminCall('POST', '/findings/' + f.id + '/ack',
			    { reason: r, until: u ? iso(u.getTime()) : null }));
		} catch (e) {
			for (const el of form.elements)
				el.disabled = false;
			msg.textContent = e.message;
		}
	});
	return h('div', null, open, form);
}

function findingsCsv(list) {
	return csvButton('findings', ['id', 'host', 'code', 'severity', 'state',
	    'subject', 'message', 'remedy', 'first_seen', 'last_seen',
	    'resolved_at', 'acked_by', 'ack_reason', 'ack_until'],
	    list.map((f) => {
		const a = f.ack && typeof f.ack === 'object' ? f.ack : {};
		return [f.id, f.host, f.code, f.severity, f.state ||
		    (f.resolved_at ? 'resolved' : 'open'), f.subject, f.message,
		    f.remedy, f.first_seen, f.last_seen, f.resolved_at, a.by,
		    a.reason, a.until];
	    }));
}

async function viewFindings(q) {
	const page = await api('/findings',
	    apiParams(q, ['code', 'severity', 'state', 'host', 'role']));
	const list = items(page);
	const form = filterForm([
		{ name: 'code', label: 'Finding', options: FINDING_CODES },
		{ name: 'severity', label: 'Severity', options: SEVERITIES },
		{ name: 'state', label: 'State',
		    options: ['open', 'resolved'], any: 'open or resolved' },
		{ name: 'host', label: 'Host', placeholder: 'exact name' },
		{ name: 'role', label: 'Role', options: ['cause', 'symptom'],
		    any: 'causes and symptoms' },
	], q, ['findings']);
	return h('div', null, h('h1', null, 'Findings'), form,
	    list.length ? [h('div', { class: 'list-tools' }, findingsCsv(list)),
		h('ul', { class: 'findings' },
		    list.map((f) => findingItem(f, true)))] :
		empty('No finding matches.'),
	    pager(page, ['findings'], q));
}
