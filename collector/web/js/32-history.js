/*
 * 32-history.js - the history card: /api/v1/history (fleet-wide, or one
 * host's) drawn as time-series charts, one chart per group of metrics,
 * with a range picker (1 h, 24 h, 7 d, 30 d).  The range chosen is kept
 * for the tab (sessionStorage) and the picker redraws only this card.
 */

const RANGES = ['1h', '24h', '7d', '30d'];
const RANGE_KEY = 'spoolwatch.range';
const SEV_CLASS = { critical: 'sev-line-critical', warning: 'sev-line-warning',
    info: 'sev-line-info' };

/* The charts: which metrics each one draws, and how a series is named. */
const CHART_GROUPS = [
	{ title: 'Mail queued and unread', metrics: ['queued_total',
	    'unread_total'], label: (s) => s.metric === 'queued_total' ?
	    'queued' : 'unread' },
	{ title: 'SYSERR lines', metrics: ['syserr'], label: () => 'SYSERR lines' },
	{ title: 'Open findings by severity', metrics: ['open_findings'],
	    label: (s) => s.subject, cls: (s) => SEV_CLASS[s.subject] },
	{ title: 'Spool entries', metrics: ['spool_entries'],
	    label: (s) => s.subject },
	{ title: 'Inodes used (%)', metrics: ['inodes_used_pct'],
	    label: (s) => s.subject },
];

function chartRange() {
	let r = null;
	try {
		r = sessionStorage.getItem(RANGE_KEY);
	} catch (e) {
		r = null;
	}
	return RANGES.includes(r) ? r : '24h';
}

function setChartRange(r) {
	try {
		sessionStorage.setItem(RANGE_KEY, r);
	} catch (e) {
		/* storage disabled: the default range on the next view */
	}
}

/* The API's series as chart series: [ms, value] points, in time order. */
function chartSeries(list, group) {
	return list.filter((s) => group.metrics.includes(s.metric))
	    .map((s) => ({
		key: displayText(s.metric) + '/' + displayText(s.subject),
		label: displayText(group.label(s)),
		cls: group.cls ? group.cls(s) : null,
		points: arr(s.points).map((p) => [Date.parse(p[0]), Number(p[1])])
		    .filter((p) => !isNaN(p[0]) && isFinite(p[1]))
		    .sort((a, b) => a[0] - b[0]),
	    }));
}

/* historyCard(host): the fleet's charts (host null) or the host's. */
function historyCard(host) {
	const body = h('div', { class: 'charts' });
	const picker = h('div', { class: 'range-picker', role: 'group',
	    'aria-label': 'Time range' });
	let seq = 0;	/* a newer range wins over an answer still on its way */
	const draw = async (range) => {
		const my = ++seq;
		for (const b of picker.querySelectorAll('button'))
			b.setAttribute('aria-pressed',
			    b.dataset.range === range ? 'true' : 'false');
		body.setAttribute('aria-busy', 'true');
		let d;
		try {
			d = await api('/history', host === null ? { range } :
			    { range, host });
		} catch (e) {
			if (my !== seq)
				return;
			clear(body);
			body.appendChild(h('p', { class: 'muted' },
			    'History not available: ' + e.message));
			body.setAttribute('aria-busy', 'false');
			return;
		}
		if (my !== seq)
			return;
		const from = Date.parse(d.from), to = Date.parse(d.to);
		const list = arr(d.series);
		clear(body);
		body.dataset.range = displayText(d.range);
		for (const g of CHART_GROUPS) {
			const ser = chartSeries(list, g);
			if (ser.length)
				body.appendChild(timeChart(g.title, ser, from, to));
		}
		if (!body.firstChild)
			body.appendChild(empty('No history in this range yet.'));
		body.setAttribute('aria-busy', 'false');
	};
	for (const r of RANGES) {
		const b = h('button', { type: 'button', 'data-range': r,
		    'aria-pressed': 'false' }, r.replace(/(\d)([a-z])/, '$1 $2'));
		b.addEventListener('click', () => {
			setChartRange(r);
			draw(r);
		});
		picker.appendChild(b);
	}
	draw(chartRange());
	return h('section', { class: 'card history' },
	    h('div', { class: 'card-head' }, h('h2', null,
		host === null ? 'Fleet history' : 'History'), picker),
	    host === null && labelFilter().length ? h('p', { class: 'hint' },
		'The whole fleet: the label filter does not narrow these ' +
		'curves.') : null, body);
}
