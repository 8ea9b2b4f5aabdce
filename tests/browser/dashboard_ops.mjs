// dashboard_ops.mjs - the dashboard's operator tools in Debian's chromium
// (headless, through playwright-core); run by tests/e2e/dashboard_ops.sh,
// which starts the collector, sends the reports and writes EXPECT.json.
//
// Usage: node dashboard_ops.mjs EXPECT.json
//
// EXPECT.json: url, token (read), admin (admin token secret, named
// alice), profile, out (screenshots), chromium, incident_host,
// fixed_host, csv_host, downloads.  Prints "ok - ..." / "not ok - ..."
// per check and "# ..." diagnostics.  Every assertion is on the DOM and
// on what the API answers, never on a picture.
import fs from 'node:fs';
import { start } from './harness.mjs';

const T = await start(process.argv[2],
    (X) => ({ acceptDownloads: true, downloadsPath: X.downloads }));
const { X, page, check, assert, shot, go, settle, apiGet } = T;
const historyRequests = [];
T.ctx.on('request', (r) => {
	if (r.url().includes('/api/v1/history'))
		historyRequests.push(new URL(r.url()));
});

/* The charts of a card, once drawn: {series key: [data-points, commands
 * in d, first command's x]}. */
async function drawn(card) {
	await page.waitForSelector(card + ' .charts[aria-busy="false"]');
	return page.evaluate((sel) => {
		const o = {};
		for (const p of document.querySelectorAll(sel +
		    ' svg.chart path.series'))
			o[p.dataset.series] = [Number(p.dataset.points),
			    (p.getAttribute('d').match(/[ML]/g) || []).length];
		return o;
	}, card);
}

/* The API's series of a /history answer: {metric/subject: points}. */
function apiSeries(d) {
	const o = {};
	for (const s of d.series)
		o[s.metric + '/' + s.subject] = s.points.length;
	return o;
}

/* Every series of the API that the page charts is drawn with its
 * number of points, one path command per point. */
function sameAsApi(page_, api, metrics) {
	const want = Object.entries(api).filter(([k]) =>
	    metrics.includes(k.split('/')[0]));
	assert(want.length > 0, 'the API gave no series to draw');
	for (const [k, n] of want) {
		assert(page_[k], 'series ' + k + ' not drawn (drawn: ' +
		    Object.keys(page_).join(', ') + ')');
		assert(page_[k][0] === n && page_[k][1] === n, 'series ' + k +
		    ': API ' + n + ' points, drawn ' + page_[k].join('/'));
	}
	return want.length;
}

const CHARTED = ['queued_total', 'unread_total', 'syserr', 'open_findings',
    'spool_entries', 'inodes_used_pct'];

/* Rows of a table as text, by column index. */
async function column(sel, i) {
	return page.evaluate(([s, c]) => [...document.querySelectorAll(s +
	    ' tbody tr')].map((r) => r.cells[c].textContent.trim()), [sel, i]);
}

try {
	await page.goto(X.url + '/');
	await page.waitForSelector('#token-form', { state: 'visible' });
	await page.fill('#token-input', X.token);
	await page.click('#token-form button[type=submit]');
	await page.waitForSelector('.overview');

	/* 1. Fleet charts with the API's points, and the range picker. */
	await check('the overview charts the fleet history with the API\'s ' +
	    'points (24 h)', async () => {
		const d = await drawn('.overview .history');
		const api = apiSeries(await apiGet('/history?range=24h'));
		const n = sameAsApi(d, api, CHARTED);
		assert(d['queued_total/'][0] > 100, 'the day of curve is missing: ' +
		    d['queued_total/'][0]);
		console.log('# 24h: ' + n + ' series, queued_total ' +
		    d['queued_total/'][0] + ' points');
	});
	await check('the charts have time and value ticks', async () => {
		const t = await page.locator('.overview .history svg.chart')
		    .first().evaluate((s) => ({
			t: s.querySelectorAll('text.tick-t').length,
			v: s.querySelectorAll('text.tick-v').length }));
		assert(t.t >= 2 && t.v >= 2, JSON.stringify(t));
	});
	await check('the 24 h button is pressed', async () => {
		assert(await page.getAttribute('.overview .range-picker ' +
		    'button[data-range="24h"]', 'aria-pressed') === 'true');
	});
	for (const r of ['1h', '7d', '30d']) {
		await check('range ' + r + ': the request asks for it and the ' +
		    'drawn points follow', async () => {
			const before = historyRequests.length;
			await page.click('.overview .range-picker button[data-range="' +
			    r + '"]');
			await page.waitForSelector('.overview .history .charts' +
			    '[data-range="' + r + '"][aria-busy="false"]');
			const asked = historyRequests.slice(before).map((u) =>
			    u.searchParams.get('range'));
			assert(asked.includes(r), 'requests: ' + asked.join(','));
			const d = await drawn('.overview .history');
			sameAsApi(d, apiSeries(await apiGet('/history?range=' + r)),
			    CHARTED);
			assert(await page.getAttribute('.overview .range-picker ' +
			    'button[data-range="' + r + '"]', 'aria-pressed') ===
			    'true', 'not pressed');
		});
	}
	await check('1 h and 24 h draw different numbers of points', async () => {
		await page.click('.overview .range-picker button[data-range="1h"]');
		await page.waitForSelector('.overview .history .charts' +
		    '[data-range="1h"][aria-busy="false"]');
		const a = (await drawn('.overview .history'))['queued_total/'][0];
		await page.click('.overview .range-picker button[data-range="24h"]');
		await page.waitForSelector('.overview .history .charts' +
		    '[data-range="24h"][aria-busy="false"]');
		const b = (await drawn('.overview .history'))['queued_total/'][0];
		assert(a < b && a <= 61 && b <= 300, '1h ' + a + ', 24h ' + b);
	});
	await check('hovering a chart shows the time and value of a point',
	    async () => {
		const api = await apiGet('/history?range=24h');
		const q = api.series.find((s) => s.metric === 'queued_total');
		const chart = page.locator('.overview .history svg.chart', {
			has: page.locator('path[data-series="queued_total/"]') });
		const box = await chart.boundingBox();
		await page.mouse.move(box.x + box.width * 0.6,
		    box.y + box.height * 0.5);
		const tip = chart.locator('g.hover text.tooltip');
		await tip.waitFor();
		const lines = await tip.locator('tspan').allTextContents();
		const p = q.points.find((x) => x[0] === lines[0]);
		assert(p, 'tooltip time ' + lines[0] + ' is no point of the API');
		const want = 'queued: ' + p[1].toLocaleString('en-US');
		assert(lines.includes(want), 'tooltip ' + lines.join(' | ') +
		    ', want ' + want);
	});
	await shot('01-overview-charts');

	/* 2. A host's charts. */
	await check('the host page charts the host\'s history with the API\'s ' +
	    'points', async () => {
		await go('#/host/' + encodeURIComponent(X.incident_host));
		const d = await drawn('.host-page .history');
		const api = apiSeries(await apiGet('/history?range=24h&host=' +
		    encodeURIComponent(X.incident_host)));
		sameAsApi(d, api, CHARTED);
		assert(d['open_findings/critical'], 'no open critical findings ' +
		    'curve');
		const asked = historyRequests.filter((u) =>
		    u.searchParams.get('host') === X.incident_host);
		assert(asked.length >= 1, 'no host history request');
	});
	await shot('02-host-charts');

	/* 3. Sorting. */
	await check('the host list sorts by name, both ways (aria-sort)',
	    async () => {
		await go('#/hosts');
		const names = (await column('table.hosts', 0));
		await page.click('table.hosts th:nth-child(1) button.sort');
		const asc = await column('table.hosts', 0);
		const want = names.slice().sort((a, b) => a.localeCompare(b, 'en',
		    { numeric: true, sensitivity: 'base' }));
		assert(JSON.stringify(asc) === JSON.stringify(want),
		    'ascending: ' + asc.join(' | '));
		assert(await page.getAttribute('table.hosts th:nth-child(1)',
		    'aria-sort') === 'ascending', 'aria-sort');
		await page.click('table.hosts th:nth-child(1) button.sort');
		const desc = await column('table.hosts', 0);
		assert(JSON.stringify(desc) === JSON.stringify(want.slice()
		    .reverse()), 'descending: ' + desc.join(' | '));
		assert(await page.getAttribute('table.hosts th:nth-child(1)',
		    'aria-sort') === 'descending', 'aria-sort');
		assert(await page.getAttribute('table.hosts th:nth-child(2)',
		    'aria-sort') === 'none', 'other column not none');
	});
	await check('the host list sorts by critical findings as numbers',
	    async () => {
		const api = (await apiGet('/hosts?limit=100')).items;
		const ths = await page.locator('table.hosts th').allTextContents();
		const ci = ths.findIndex((t) => /critical/.test(t));
		await page.click('table.hosts th:nth-child(' + (ci + 1) +
		    ') button.sort');
		const got = (await column('table.hosts', ci)).map(Number);
		const want = api.map((x) => x.findings.critical)
		    .sort((a, b) => a - b);
		assert(JSON.stringify(got) === JSON.stringify(want),
		    'got ' + got.join(',') + ' want ' + want.join(','));
	});
	await check('the host list sorts by last report time', async () => {
		const api = (await apiGet('/hosts?limit=100')).items;
		const ths = await page.locator('table.hosts th').allTextContents();
		const ti = ths.findIndex((t) => /last report/.test(t));
		await page.click('table.hosts th:nth-child(' + (ti + 1) +
		    ') button.sort');
		const got = await page.evaluate((i) => [...document
		    .querySelectorAll('table.hosts tbody tr')].map((r) =>
			r.cells[i].querySelector('time').getAttribute('datetime')),
		    ti);
		const want = api.map((x) => x.last_seen).sort();
		assert(JSON.stringify(got) === JSON.stringify(want),
		    'got ' + got.join(',') + ' want ' + want.join(','));
	});
	await check('the host list shows OS and MTA', async () => {
		const api = (await apiGet('/hosts?limit=100')).items;
		const ths = await page.locator('table.hosts th').allTextContents();
		const oi = ths.findIndex((t) => /^OS/.test(t.trim()));
		const mi = ths.findIndex((t) => /^MTA/.test(t.trim()));
		assert(oi > 0 && mi > 0, 'headers ' + ths.join('|'));
		const rows = await page.evaluate(([o, m]) => [...document
		    .querySelectorAll('table.hosts tbody tr')].map((r) =>
			[r.cells[0].querySelector('a.host').textContent,
			 r.cells[o].textContent, r.cells[m].textContent]), [oi, mi]);
		for (const [n, os, mta] of rows) {
			const x = api.find((y) => y.name === n);
			assert(x && os === (x.os || '') && mta.startsWith(x.mta.kind ||
			    ''), n + ': ' + os + ' / ' + mta);
		}
	});
	await check('a cell never breaks a word; a path may wrap at "/" only',
	    async () => {
		const css = await page.evaluate(() => {
			const c = getComputedStyle(document.querySelector(
			    'table.hosts td'));
			return [c.wordBreak, c.overflowWrap];
		});
		assert(css[0] === 'keep-all' && css[1] === 'normal',
		    'td: ' + css.join(' '));
		await go('#/host/' + encodeURIComponent(X.incident_host));
		const p = await page.evaluate(() => {
			const c = document.querySelector('table.spools code.path');
			return { wbr: c.querySelectorAll('wbr').length,
			    slashes: (c.textContent.match(/\//g) || []).length,
			    wb: getComputedStyle(c).wordBreak };
		});
		assert(p.wbr === p.slashes && p.wbr > 0 && p.wb === 'keep-all',
		    JSON.stringify(p));
	});

	/* 4. CSV export: the file downloaded from the Blob. */
	await check('the host list exports as CSV: quoted, formula-safe, ' +
	    'the rows shown', async () => {
		await go('#/hosts');
		const [dl] = await Promise.all([page.waitForEvent('download'),
		    page.click('.list-tools button.csv')]);
		assert(dl.suggestedFilename() === 'hosts.csv',
		    'name ' + dl.suggestedFilename());
		const text = fs.readFileSync(await dl.path(), 'utf8');
		const lines = text.split('\r\n');
		assert(lines[0] === 'host,labels,os,mta,mta_running,last_seen,' +
		    'stale,critical,warning,info', 'header ' + lines[0]);
		assert(lines[lines.length - 1] === '', 'no final CRLF');
		const rows = await page.locator('table.hosts tbody tr').count();
		assert(lines.length - 2 === rows, (lines.length - 2) + ' rows for ' +
		    rows);
		/* =1+2,"q" -> '=1+2,"q" quoted, its quotes doubled */
		const want = '"\'' + X.csv_host.replace(/"/g, '""') + '"';
		assert(lines.some((l) => l.startsWith(want + ',')),
		    'no row starts with ' + want + ':\n' + lines.join('\n'));
		assert(!lines.some((l) => /^[=+\-@]/.test(l)), 'unsafe row');
		const inc = lines.find((l) => l.startsWith(X.incident_host + ','));
		const api = (await apiGet('/hosts?limit=100')).items
		    .find((x) => x.name === X.incident_host);
		assert(inc && inc.endsWith(',' + api.findings.critical + ',' +
		    api.findings.warning + ',' + api.findings.info),
		    'incident row ' + inc);
	});
	await check('the findings list exports as CSV', async () => {
		await go('#/findings?host=' + encodeURIComponent(X.incident_host) +
		    '&state=open');
		const [dl] = await Promise.all([page.waitForEvent('download'),
		    page.click('.list-tools button.csv')]);
		const lines = fs.readFileSync(await dl.path(), 'utf8')
		    .split('\r\n').filter((l) => l);
		const api = (await apiGet('/findings?state=open&limit=50&host=' +
		    encodeURIComponent(X.incident_host))).items;
		assert(lines.length - 1 === api.length, (lines.length - 1) +
		    ' rows, API ' + api.length);
		assert(lines[0].startsWith('id,host,code,severity,state,'),
		    lines[0]);
		assert(lines.slice(1).every((l) => l.includes(',open,')),
		    'a row not open');
	});

	/* 5. Resolved findings styled apart. */
	await check('resolved findings carry the resolved style, open ones not',
	    async () => {
		await go('#/findings?host=' + encodeURIComponent(X.fixed_host));
		const r = await page.evaluate(() => [...document.querySelectorAll(
		    'ul.findings > li')].map((li) => ({
			cls: li.className,
			badge: !!li.querySelector('.badge.resolved'),
			op: getComputedStyle(li).opacity,
			resolvedText: /resolved/.test(li.querySelector('.times')
			    .textContent) })));
		const res = r.filter((x) => x.cls.includes('finding-resolved'));
		const open = r.filter((x) => x.cls.includes('finding-open'));
		assert(res.length >= 1 && open.length >= 1, JSON.stringify(r));
		assert(res.every((x) => x.badge && x.resolvedText &&
		    Number(x.op) < 1), 'resolved: ' + JSON.stringify(res));
		assert(open.every((x) => !x.badge && Number(x.op) === 1),
		    'open: ' + JSON.stringify(open));
	});
	await shot('03-resolved');

	/* 6. Acknowledgement. */
	const hostHash = '#/host/' + encodeURIComponent(X.incident_host);
	await check('with a read token only there is no ack button', async () => {
		await go(hostHash);
		await page.waitForSelector('ul.findings > li.finding-open');
		assert(await page.locator('button.ack-open, button.unack')
		    .count() === 0, 'ack buttons without an admin token');
		assert(await page.isVisible('#admin-form'), 'no admin token field');
	});
	let fid = null;
	await check('with the admin token an open finding is acknowledged: ' +
	    'the API and the page show it', async () => {
		await page.fill('#admin-input', X.admin);
		await page.click('#admin-form button[type=submit]');
		await settle();
		assert(!await page.isVisible('#admin-form') &&
		    await page.isVisible('#admin-held'), 'the footer does not ' +
		    'say the admin token is held');
		const li = page.locator('ul.findings > li.finding-open').first();
		fid = Number(await li.getAttribute('data-id'));
		assert(fid > 0, 'no finding id');
		const form = li.locator(':scope > .ack .ack-form');
		assert(!await form.isVisible(), 'the form shows before a click');
		await li.locator(':scope > .ack button.ack-open').click();
		assert(await form.isVisible(), 'the form does not open');
		await li.locator(':scope > .ack .ack-form input[name=reason]')
		    .fill('CHG-4711 disk swap');
		await li.locator(':scope > .ack .ack-form input[name=until]')
		    .fill('2099-01-02T03:04');
		await li.locator(':scope > .ack .ack-form button[type=submit]').click();
		const acked = page.locator('ul.findings > li[data-id="' + fid +
		    '"] > .ack .ack-info');
		await acked.waitFor();
		const t = await acked.textContent();
		assert(/alice/.test(t) && /CHG-4711 disk swap/.test(t),
		    'page: ' + t);
		const api = (await apiGet('/findings?host=' +
		    encodeURIComponent(X.incident_host) + '&state=open&limit=100'))
		    .items.find((f) => f.id === fid);
		assert(api.ack && api.ack.by === 'alice' &&
		    api.ack.reason === 'CHG-4711 disk swap' &&
		    api.ack.until.startsWith('2099-01-0'), 'API: ' +
		    JSON.stringify(api.ack));
		const until = await page.locator('ul.findings > li[data-id="' +
		    fid + '"] > .ack .ack-until time').getAttribute('datetime');
		assert(until === api.ack.until, 'until shown ' + until);
	});
	await shot('04-acked');
	await check('the acknowledgement survives a reload of the page',
	    async () => {
		await go(hostHash);
		await page.locator('ul.findings > li[data-id="' + fid +
		    '"] > .ack .ack-info').waitFor();
	});
	await check('un-acknowledging clears it in the API and the page',
	    async () => {
		await page.locator('ul.findings > li[data-id="' + fid +
		    '"] > .ack button.unack').click();
		await page.locator('ul.findings > li[data-id="' + fid +
		    '"] > .ack button.ack-open').waitFor();
		assert(await page.locator('ul.findings > li[data-id="' + fid +
		    '"] > .ack .ack-info').count() === 0, 'still shown');
		const api = (await apiGet('/findings?host=' +
		    encodeURIComponent(X.incident_host) + '&state=open&limit=100'))
		    .items.find((f) => f.id === fid);
		assert(api.ack === null, 'API: ' + JSON.stringify(api.ack));
	});
	await check('a wrong admin token is refused and forgotten', async () => {
		await page.click('#admin-forget');
		await settle();
		await page.fill('#admin-input', 'not-the-admin-token');
		await page.click('#admin-form button[type=submit]');
		await settle();
		const li = page.locator('ul.findings > li.finding-open').first();
		await li.locator(':scope > .ack button.ack-open').click();
		await li.locator(':scope > .ack .ack-form input[name=reason]').fill('nope');
		await li.locator(':scope > .ack .ack-form button[type=submit]').click();
		await page.waitForFunction(() => /refused/.test(document
		    .querySelector('ul.findings > li > .ack .ack-error').textContent));
		assert(await page.isVisible('#admin-form'), 'token kept');
		const api = (await apiGet('/findings?host=' +
		    encodeURIComponent(X.incident_host) + '&state=open&limit=100'))
		    .items.filter((f) => f.ack);
		assert(api.length === 0, 'acked anyway');
	});

	/* 7. Incidents: causes first with their remedy, symptoms folded. */
	await check('the host page folds symptoms under their cause, in the ' +
	    'API\'s order, the cause with its remedy', async () => {
		await go(hostHash);
		const api = await apiGet('/hosts/' +
		    encodeURIComponent(X.incident_host));
		assert(Array.isArray(api.incidents) && api.incidents.some((i) =>
		    i.symptoms.length), 'the API has no incident with symptoms');
		const got = await page.evaluate(() => [...document
		    .querySelectorAll('ul.incidents > li.incident')].map((li) => ({
			code: li.querySelector(':scope > .finding-head code')
			    .textContent,
			remedy: (li.querySelector(':scope > .remedy .remedy-text') ||
			    {}).textContent || null,
			symptoms: [...li.querySelectorAll(':scope > details.symptoms' +
			    ' ul.symptom-list > li .finding-head code')]
			    .map((c) => c.textContent) })));
		const want = api.incidents.map((i) => ({ code: i.cause.code,
		    remedy: i.cause.remedy || null,
		    symptoms: i.symptoms.map((f) => f.code) }));
		assert(JSON.stringify(got) === JSON.stringify(want),
		    'page ' + JSON.stringify(got) + '\nAPI ' + JSON.stringify(want));
		const top = await page.locator('ul.incidents > li').count();
		assert(top === api.incidents.length, top + ' top-level items');
	});
	await check('a folded symptom names its cause', async () => {
		const t = await page.locator('ul.symptom-list > li .caused-by')
		    .first().textContent();
		assert(/^caused by /.test(t), t);
	});
	await shot('05-incidents');
	await check('the overview counts causes, not symptoms', async () => {
		await go('#/');
		await page.waitForSelector('.overview');
		const sum = await apiGet('/summary');
		const tiles = await page.locator('.tile').allTextContents();
		const t = tiles.find((x) => /Incidents \(causes\)/.test(x));
		assert(t && t.replace(/\D/g, '') === String(sum.incidents.open),
		    'tiles ' + tiles.join(' | ') + ', API ' +
		    JSON.stringify(sum.incidents));
		const open = (await apiGet('/findings?state=open&limit=1000'))
		    .items.length;
		assert(sum.incidents.open < open, 'causes ' + sum.incidents.open +
		    ' not fewer than findings ' + open);
	});

	/* 8. The label filter narrows every view. */
	const labelled = (u) => u.searchParams.getAll('label');
	const seen = [];
	page.on('request', (r) => {
		if (r.url().includes('/api/v1/'))
			seen.push(new URL(r.url()));
	});
	await check('the label filter narrows the overview (the summary ' +
	    'asked with label=)', async () => {
		seen.length = 0;
		await page.fill('#label-input', 'env:prod');
		await page.click('#label-form button[type=submit]');
		await page.waitForSelector('#label-active button.chip');
		await page.waitForSelector('#view[aria-busy="false"] .overview');
		const sum = await apiGet('/summary?label=env:prod');
		const tiles = await page.locator('.tile').allTextContents();
		const t = tiles.find((x) => /Hosts$/.test(x.trim()));
		assert(t && t.replace(/\D/g, '') === String(sum.hosts.total) &&
		    sum.hosts.total === 1, 'tiles ' + tiles.join(' | '));
		const s = seen.filter((u) => u.pathname === '/api/v1/summary');
		assert(s.length && s.every((u) => labelled(u).join() === 'env:prod'),
		    'summary requests ' + s.map(String).join(' '));
	});
	await check('... and the host list', async () => {
		await go('#/hosts');
		const names = await page.locator('table.hosts a.host')
		    .allTextContents();
		assert(JSON.stringify(names) === JSON.stringify([X.incident_host]),
		    'hosts ' + names.join(' | '));
		const chips = await page.locator('table.hosts .labels .chip')
		    .allTextContents();
		assert(chips.includes('env=prod') && chips.includes('dc=fra1'),
		    'chips ' + chips.join(' '));
	});
	await check('... and the findings', async () => {
		await go('#/findings?state=open');
		const hosts = await page.locator('ul.findings > li a.host')
		    .allTextContents();
		assert(hosts.length > 0 && hosts.every((x) => x === X.incident_host),
		    'hosts ' + [...new Set(hosts)].join(' | '));
	});
	await check('a host page is not narrowed: a host outside the filter ' +
	    'still shows its resolved findings', async () => {
		await go('#/host/' + encodeURIComponent(X.fixed_host));
		await page.locator('ul.findings.resolved > li').first().waitFor();
		const hist = await page.locator('.history .charts svg.chart').count();
		assert(hist > 0, 'no host charts');
	});
	await check('a label chip adds to the filter; removing it widens ' +
	    'the views again', async () => {
		await go('#/hosts');
		await page.locator('table.hosts .labels .chip',
		    { hasText: 'dc=fra1' }).click();
		await page.waitForFunction(() => document.querySelectorAll(
		    '#label-active button.chip').length === 2);
		await page.waitForSelector('#view[aria-busy="false"] table.hosts');
		const h = seen.filter((u) => u.pathname === '/api/v1/hosts').pop();
		assert(labelled(h).sort().join() === 'dc:fra1,env:prod',
		    'asked ' + h);
		while (await page.locator('#label-active button.chip').count())
			await page.locator('#label-active button.chip').first().click();
		await page.waitForFunction(() => document.querySelectorAll(
		    'table.hosts tbody tr').length > 1);
		const all = (await apiGet('/hosts?limit=100')).items.length;
		assert(await page.locator('table.hosts tbody tr').count() === all,
		    'not every host back');
	});

	await T.clean();
} catch (e) {
	T.notOk('the browser run', e && e.stack ? e.stack : e);
}
await T.finish();

