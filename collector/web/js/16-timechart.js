/*
 * 16-timechart.js - time-series charts in inline SVG: a time axis (UTC)
 * and a value axis with ticks, one path per series (its data-points
 * attribute: how many points it draws, one path command each), a legend,
 * and on hover a line at the nearest point in time with each series'
 * value there and its time.  No library: a chart is a few dozen nodes.
 */

const CHART_W = 640;
const CHART_H = 190;
const PAD = { l: 52, r: 14, t: 10, b: 24 };
const TIME_STEPS_S = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600,
    12 * 3600, 86400, 2 * 86400, 7 * 86400];

/* A round step giving about n ticks over span (1, 2 or 5 times 10^k). */
function niceStep(span, n) {
	const raw = span / n;
	const p = Math.pow(10, Math.floor(Math.log10(raw)));
	const m = raw / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* A value as a tick or tooltip shows it. */
function chartNum(v) {
	if (!isFinite(v))
		return '–';
	if (Math.abs(v) >= 1e6)
		return (v / 1e6).toFixed(1) + 'M';
	if (Math.abs(v) >= 1e4)
		return (v / 1e3).toFixed(0) + 'k';
	return Number.isInteger(v) ? numFmt.format(v) :
	    v.toFixed(Math.abs(v) < 10 ? 2 : 1);
}

/* A time tick: HH:MM within two days, else MM-DD (UTC). */
function timeTick(ms, spanMs) {
	const s = new Date(ms).toISOString();
	return spanMs <= 2 * 86400 * 1000 ? s.slice(11, 16) : s.slice(5, 10);
}

/* The index of the point of pts ([[ms, v]], sorted) nearest to t. */
function nearest(pts, t) {
	let lo = 0, hi = pts.length - 1;
	while (hi - lo > 1) {
		const mid = (lo + hi) >> 1;
		if (pts[mid][0] < t)
			lo = mid;
		else
			hi = mid;
	}
	return Math.abs(pts[lo][0] - t) <= Math.abs(pts[hi][0] - t) ? lo : hi;
}

/*
 * timeChart(title, series, fromMs, toMs): series is [{key, label, cls,
 * points: [[ms, value], ...]}] (key: the path's data-series).  The value
 * axis starts at 0.
 */
function timeChart(title, series, fromMs, toMs) {
	const w = CHART_W - PAD.l - PAD.r, ht = CHART_H - PAD.t - PAD.b;
	const span = Math.max(toMs - fromMs, 1);
	let max = 0;
	for (const s of series)
		for (const p of s.points)
			max = Math.max(max, p[1]);
	const vstep = max > 0 ? niceStep(max, 4) : 1;
	const top = max > 0 ? Math.ceil(max / vstep) * vstep : 1;
	const x = (ms) => PAD.l + ((ms - fromMs) / span) * w;
	const y = (v) => PAD.t + ht - (v / top) * ht;
	const axes = svg('g', { class: 'axes' });
	for (let v = 0; v <= top + vstep / 2; v += vstep) {
		axes.appendChild(svg('line', { class: 'grid', x1: PAD.l,
		    x2: PAD.l + w, y1: y(v).toFixed(1), y2: y(v).toFixed(1) }));
		axes.appendChild(svg('text', { class: 'tick tick-v', x: PAD.l - 6,
		    y: (y(v) + 4).toFixed(1), 'text-anchor': 'end' }, chartNum(v)));
	}
	const tstep = (TIME_STEPS_S.find((s) => span / (s * 1000) <= 6) ||
	    30 * 86400) * 1000;
	for (let t = Math.ceil(fromMs / tstep) * tstep; t <= toMs; t += tstep) {
		axes.appendChild(svg('line', { class: 'tick-mark', x1: x(t).toFixed(1),
		    x2: x(t).toFixed(1), y1: PAD.t + ht, y2: PAD.t + ht + 4 }));
		axes.appendChild(svg('text', { class: 'tick tick-t',
		    x: x(t).toFixed(1), y: CHART_H - 6, 'text-anchor': 'middle' },
		    timeTick(t, span)));
	}
	axes.appendChild(svg('line', { class: 'axis', x1: PAD.l, x2: PAD.l + w,
	    y1: PAD.t + ht, y2: PAD.t + ht }));
	const lines = series.map((s, i) => {
		const d = s.points.map((p, k) => (k ? 'L' : 'M') +
		    x(p[0]).toFixed(1) + ' ' + y(p[1]).toFixed(1)).join(' ');
		return svg('path', { class: 'series ' + (s.cls || 's' + (i % 6)),
		    d, 'data-points': s.points.length, 'data-series': s.key || null },
		    svg('title', null, s.label + ': ' + s.points.length +
			' points'));
	});
	/* single points get a dot, or they would not show */
	const dots = series.map((s, i) => s.points.length !== 1 ? null :
	    svg('circle', { class: 'dot ' + (s.cls || 's' + (i % 6)), r: 2.5,
		cx: x(s.points[0][0]).toFixed(1), cy: y(s.points[0][1]).toFixed(1) }));
	const hover = svg('g', { class: 'hover', visibility: 'hidden' });
	const box = svg('svg', { class: 'chart', viewBox: '0 0 ' + CHART_W + ' ' +
	    CHART_H, role: 'img', 'aria-label': title + ', ' +
	    iso(fromMs) + ' to ' + iso(toMs) },
	    svg('title', null, title), axes, lines, dots, hover,
	    svg('rect', { class: 'overlay', x: PAD.l, y: PAD.t, width: w,
		height: ht }));
	box.addEventListener('pointermove', (ev) => {
		const r = box.getBoundingClientRect();
		const vx = ((ev.clientX - r.left) / r.width) * CHART_W;
		showHover(hover, series, fromMs + ((vx - PAD.l) / w) * span,
		    x, y, w);
	});
	box.addEventListener('pointerleave', () =>
	    hover.setAttribute('visibility', 'hidden'));
	const legend = h('ul', { class: 'legend' }, series.map((s, i) =>
	    h('li', null, h('span', { class: 'swatch ' +
		(s.cls || 's' + (i % 6)) }), displayText(s.label))));
	return h('figure', { class: 'timechart' },
	    h('figcaption', null, title), box, legend);
}

/* The hover line at the point nearest t, with a label per series. */
function showHover(g, series, t, x, y, w) {
	clear(g);
	const withPts = series.filter((s) => s.points.length);
	if (!withPts.length)
		return;
	/* the time shown is that of the nearest point of any series */
	let best = null;
	for (const s of withPts) {
		const p = s.points[nearest(s.points, t)];
		if (best === null || Math.abs(p[0] - t) < Math.abs(best - t))
			best = p[0];
	}
	const lx = x(best);
	g.appendChild(svg('line', { class: 'hover-line', x1: lx.toFixed(1),
	    x2: lx.toFixed(1), y1: PAD.t, y2: CHART_H - PAD.b }));
	const rows = [iso(best)];
	for (const s of withPts) {
		const p = s.points[nearest(s.points, best)];
		if (p[0] === best) {
			rows.push(s.label + ': ' + chartNum(p[1]));
			g.appendChild(svg('circle', { class: 'hover-dot', r: 3,
			    cx: lx.toFixed(1), cy: y(p[1]).toFixed(1) }));
		}
	}
	const left = lx > PAD.l + w / 2;
	const tx = left ? lx - 8 : lx + 8;
	const text = svg('text', { class: 'tooltip', x: tx.toFixed(1),
	    y: PAD.t + 12, 'text-anchor': left ? 'end' : 'start' },
	    rows.map((r, i) => svg('tspan', { x: tx.toFixed(1),
		dy: i ? 14 : 0 }, r)));
	g.appendChild(text);
	g.setAttribute('visibility', 'visible');
}
