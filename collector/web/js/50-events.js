/*
 * 50-events.js - events: the events table and the events view with its CSV.
 */

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
	const csv = csvButton('events', ['ts', 'host', 'kind', 'program', 'pid',
	    'queue_id', 'signature', 'message'], list.map((e) => [e.ts, e.host,
	    e.kind, e.program, e.pid, e.queue_id, e.signature, e.message]));
	return h('div', null, h('h1', null, 'Events'), form,
	    list.length ? [h('div', { class: 'list-tools' }, csv),
		eventsTable(list, true)] :
		empty('No event matches.'),
	    pager(page, ['events'], q));
}
