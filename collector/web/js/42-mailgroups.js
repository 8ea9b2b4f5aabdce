/*
 * 42-mailgroups.js - mail grouped by cron command (the overview card and
 * the mail view) with its latest output.
 */

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
