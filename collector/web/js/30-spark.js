/*
 * 30-spark.js - the shared request cache and the per-signature SYSERR
 * series behind the overview's sparklines.
 */

/*
 * cached(map, key, fn): fn()'s promise, shared by every caller for
 * SPARK_TTL_MS (so a refresh does not ask again, nor twice at once);
 * a failure is forgotten at once.  At most 200 keys are kept.
 */
function cached(map, key, fn) {
	const hit = map.get(key);
	if (hit && Date.now() - hit.at < SPARK_TTL_MS)
		return hit.p;
	const p = fn();
	map.set(key, { at: Date.now(), p });
	p.catch(() => {
		if (map.get(key) && map.get(key).p === p)
			map.delete(key);
	});
	if (map.size > 200)
		map.delete(map.keys().next().value);
	return p;
}

/* Sparkline series per signature. */
const sparkCache = new Map();

/*
 * syserrSeries(item): lines per hour of one SYSERR signature over the
 * SPARK_HOURS up to its last line (up to now for a live one), counted
 * from /api/v1/events; a series from the summary item wins.  partial
 * is set when more than SPARK_MAX_PAGES pages of events matched.
 */
function syserrSeries(item) {
	if (Array.isArray(item.series) && item.series.length) {
		return Promise.resolve({ counts: item.series.map((x) =>
		    typeof x === 'number' ? x : Number(x && x.count) || 0),
		    partial: false, end: null });
	}
	return cached(sparkCache, item.signature + '\n' +
	    (item.last_ts || ''), () => countSeries(item));
}

/*
 * countSeries(item): the signature's lines of the SPARK_HOURS up to
 * its last one, in SPARK_BUCKETS buckets of the finest step in
 * SPARK_STEPS that still covers the oldest line read (a burst of the
 * last hour is drawn per 5 min, not as one spike).  When more than
 * SPARK_MAX_PAGES pages matched, only the newest lines were read, so
 * the step stays at one hour and partial is set.
 */
async function countSeries(item) {
	const hour = 3600 * 1000;
	const last = Date.parse(item.last_ts);
	const end = Math.ceil(Math.min(Date.now(),
	    isNaN(last) ? Infinity : last + 1) / (5 * 60 * 1000)) *
	    (5 * 60 * 1000);
	const ts = [];
	let cursor = null, pages = 0;
	do {
		const page = await api('/events', { kind: 'syserr',
		    signature: item.signature,
		    since: iso(end - SPARK_HOURS * hour), until: iso(end),
		    limit: 1000, cursor });
		for (const ev of items(page)) {
			const t = Date.parse(ev.ts);
			if (!isNaN(t))
				for (let n = typeof ev.count === 'number' ?
				    Math.min(ev.count, 1000) : 1; n > 0; n--)
					ts.push(t);
		}
		cursor = page.next_cursor || null;
		pages++;
	} while (cursor && pages < SPARK_MAX_PAGES);
	const partial = cursor !== null;
	const oldest = ts.length ? Math.min(...ts) : end;
	const step = partial ? hour : SPARK_STEPS.find((st) =>
	    end - SPARK_BUCKETS * st <= oldest) || hour;
	const start = end - SPARK_BUCKETS * step;
	const counts = new Array(SPARK_BUCKETS).fill(0);
	for (const t of ts) {
		const i = Math.floor((t - start) / step);
		if (i >= 0 && i < SPARK_BUCKETS)
			counts[i]++;
	}
	return { counts, partial, end: new Date(end), step };
}
