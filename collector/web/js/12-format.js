/*
 * 12-format.js - formatting values (numbers, bytes, durations, times,
 * badges, remedies, evidence) and the section helpers.
 */

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


function section(title, ...kids) {
	return h('section', { class: 'card' }, h('h2', null, title),
	    ...kids);
}

function empty(text) {
	return h('p', { class: 'empty' }, text);
}

/* A host's labels ({key: value}) as chips "key=value"; a click narrows
 * every view to that label (26-labels.js). */
function labelChips(labels) {
	if (!labels || typeof labels !== 'object')
		return null;
	const e = Object.entries(labels);
	if (!e.length)
		return null;
	return h('span', { class: 'labels' }, e.map(([k, v]) => {
		const b = h('button', { type: 'button', class: 'chip',
		    title: 'Show only hosts with ' + displayText(k) + '=' +
		    displayText(v) }, displayText(k) + '=' + displayText(v));
		b.addEventListener('click', () => addLabel(String(k), String(v)));
		return b;
	}));
}
