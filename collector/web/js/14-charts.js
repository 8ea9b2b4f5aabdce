/*
 * 14-charts.js - inline SVG bars and sparklines.
 */

function pctClass(p) {
	return p >= 95 ? 'crit' : p >= 85 ? 'warn' : 'ok';
}

/* A horizontal bar, pct in 0..100, with its label inside the SVG. */
function bar(pct, label) {
	const p = typeof pct === 'number' && isFinite(pct) ?
	    Math.min(100, Math.max(0, pct)) : 0;
	return svg('svg', { class: 'bar ' + pctClass(p),
	    viewBox: '0 0 200 16', preserveAspectRatio: 'none',
	    role: 'img', 'aria-label': label },
	    svg('title', null, label),
	    svg('rect', { class: 'bar-bg', x: 0, y: 0, width: 200,
		height: 16, rx: 2 }),
	    svg('rect', { class: 'bar-fg', x: 0, y: 0,
		width: (p * 2).toFixed(1), height: 16, rx: 2 }));
}

function sparkline(counts, label) {
	const w = 120, ht = 24, n = counts.length;
	const max = Math.max(1, ...counts);
	const pts = counts.map((c, i) =>
	    (n === 1 ? w / 2 : (i * w) / (n - 1)).toFixed(1) + ',' +
	    (ht - 2 - (c / max) * (ht - 4)).toFixed(1)).join(' ');
	return svg('svg', { class: 'spark', viewBox: '0 0 ' + w + ' ' + ht,
	    width: w, height: ht, role: 'img', 'aria-label': label },
	    svg('title', null, label),
	    svg('polyline', { points: pts }));
}
