/*
 * 52-mail.js - the mail view, with its CSV.
 */

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
	    list.length ? [h('div', { class: 'list-tools' },
		csvButton('mail', ['command', 'hosts', 'messages', 'unread',
		    'queued', 'host_examples'], list.map((g) => [g.command ||
		    g.cron_command, typeof g.hosts === 'number' ? g.hosts :
		    arr(g.hosts).length, g.messages, g.unread, g.queued,
		    arr(g.host_examples).join(' ')]))), mailGroups(list)] :
		empty('No mail matches.'),
	    examples.length ? h('p', null, 'Hosts with the most of it: ',
		examples.map((n, i) => [i ? ', ' : '', h('a', {
		    href: route(['mail'], { command: q.get('command'),
			host: n }) }, displayText(n))])) : null,
	    pager(page, ['mail'], q));
}
