// dashboard.mjs - drives Debian's chromium (headless, through playwright-core)
// over the dashboard of a real, filled collector; run by
// tests/e2e/dashboard_browser.sh, which starts the collector, sends the
// agents' reports and writes the expectations file.
//
// Usage: node dashboard.mjs EXPECT.json
//
// EXPECT.json: url, token (the read token), collector_pid, profile (a fresh
// user-data-dir), out (screenshot dir), chromium, incident_host,
// finding_code, remedy, signature, cron_command, inode_host, xss_host,
// xss_strings[], hosts_total, fixed_host.  Prints one "ok - ..." /
// "not ok - ..." line per check (the shell script numbers them) and
// "# ..." diagnostics.
import { start } from './harness.mjs';

const T = await start(process.argv[2]);
const { X, page, check, assert, shot, go, settle, text } = T;
const dialogs = [];
page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });

/* Hostile strings: shown as text, never turned into elements. */
async function noInjection(where) {
	const r = await page.evaluate(() => ({
		xss: window.__sw_xss,
		violations: window.__sw_violations.slice(),
		imgs: document.querySelectorAll('img').length,
		scripts: [...document.scripts].map((s) => s.src),
		handlers: [...document.querySelectorAll('*')].filter((e) =>
		    [...e.attributes].some((a) => a.name.startsWith('on'))).length,
		iframes: document.querySelectorAll('iframe,object,embed').length,
	}));
	assert(r.xss === 0, where + ': a hostile string ran (' + r.xss + ')');
	assert(r.violations.length === 0, where + ': CSP violations: ' +
	    r.violations.join('; '));
	assert(r.imgs === 0 && r.iframes === 0, where +
	    ': injected elements in the page');
	assert(r.handlers === 0, where + ': elements with on* attributes');
	assert(r.scripts.length === 1 && r.scripts[0].endsWith('/static/app.js'),
	    where + ': unexpected scripts ' + r.scripts.join(' '));
	assert(dialogs.length === 0, where + ': dialogs ' + dialogs.join(' '));
}

async function shows(strings) {
	const body = await page.evaluate(() => document.body.textContent);
	const missing = strings.filter((s) => !body.includes(s));
	assert(missing.length === 0, 'not shown as text: ' +
	    missing.join(' | '));
}

try {
	/* 1. The token: asked for on 401, a wrong one refused, kept. */
	await page.goto(X.url + '/');
	await check('the page asks for a read token when the API answers 401',
	    async () => {
		await page.waitForSelector('#token-form', { state: 'visible' });
		const b = await text('#banner');
		assert(/read token/.test(b), 'banner: ' + b);
	});
	await shot('01-token');
	await check('a wrong token is refused plainly', async () => {
		await page.fill('#token-input', 'not-the-token');
		await page.click('#token-form button[type=submit]');
		await page.waitForSelector('#token-error', { state: 'visible' });
		const e = await text('#token-error');
		assert(/refused/.test(e), 'error: ' + e);
	});
	await check('the right token shows the overview', async () => {
		await page.fill('#token-input', X.token);
		await page.click('#token-form button[type=submit]');
		await page.waitForSelector('.overview');
		assert(await page.isHidden('#token-form'), 'form still shown');
		assert(await page.isHidden('#banner'), 'banner still shown');
	});

	/* 2. The overview at a glance. */
	await check('hosts reporting and silent are counted', async () => {
		const tiles = await page.locator('.tile').allTextContents();
		const t = tiles.find((x) => /Hosts$/.test(x.trim()));
		assert(t && t.replace(/\D/g, '') === String(X.hosts_total),
		    'tiles: ' + tiles.join(' | '));
		assert(tiles.some((x) => /Reporting/.test(x)) &&
		    tiles.some((x) => /Silent/.test(x)), 'no reporting/silent');
	});
	await check('the open findings table lists ' + X.finding_code,
	    async () => {
		await page.locator('.findings-top a', { hasText: X.finding_code })
		    .first().waitFor();
	});
	await check('the SYSERR signature is shown with a sparkline', async () => {
		const row = page.locator('.syserr-top tr', { hasText: X.signature });
		await row.first().waitFor();
		const pts = await row.first().locator('svg.spark polyline')
		    .getAttribute('points');
		const ys = pts.trim().split(/\s+/).map((p) => +p.split(',')[1]);
		assert(ys.length >= 2 && Math.min(...ys) < Math.max(...ys),
		    'flat or empty sparkline: ' + pts);
	});
	await check('the fullest filesystems are drawn as inode bars', async () => {
		const bars = page.locator('.inodes-top svg.bar');
		assert(await bars.count() >= 1, 'no bar');
		const row = page.locator('.inodes-top tr', { hasText: X.inode_host });
		await row.first().waitFor();
		const w = +await row.first().locator('rect.bar-fg')
		    .getAttribute('width');
		const pct = parseFloat(await row.first().locator('td.num')
		    .textContent());
		assert(w > 0 && Math.abs(w - pct * 2) < 1.5,
		    'bar width ' + w + ' for ' + pct + ' %');
	});
	await check('the cron command behind unread mail is shown', async () => {
		await page.locator('.mail-groups td.cmd', { hasText: X.cron_command })
		    .first().waitFor();
	});
	await shot('02-overview');

	/* 3. One click from a finding to its hosts and remedy. */
	await check('a finding lists the broken clientmqueue host with its remedy',
	    async () => {
		await page.locator('.findings-top a', { hasText: X.finding_code })
		    .first().click();
		await settle();
		const li = page.locator('ul.findings > li', {
			has: page.locator('a.host', { hasText: X.incident_host }),
		});
		await li.first().waitFor();
		const rem = await li.first().locator('.remedy-text').textContent();
		assert(rem === X.remedy, 'remedy shown: ' + rem);
		assert(await li.first().locator('button.copy').count() === 1,
		    'no copy button');
	});
	await shot('03-finding');

	/* 4. The token stays for the session. */
	await check('the token is kept for the browser session', async () => {
		await go('#/');
		await page.waitForSelector('.overview');
		assert(await page.isHidden('#token-form'), 'asked again');
	});

	/* 5. Click through to a host. */
	await check('clicking a host opens its page', async () => {
		await page.locator('.inodes-top a.host', { hasText: X.inode_host })
		    .first().click();
		await settle();
		await page.waitForSelector('.host-page');
		const h1 = (await text('.host-page h1')).trim();
		assert(h1.startsWith(X.inode_host), 'h1: ' + h1);
	});
	await go('#/host/' + encodeURIComponent(X.incident_host));
	await check('the host page shows spools, filesystems, MTA, findings, ' +
	    'events and cron mail', async () => {
		await page.locator('table.spools td', { hasText: 'clientmqueue' })
		    .first().waitFor();
		assert(await page.locator('table.filesystems svg.bar').count() >= 1,
		    'no filesystem bar');
		assert(/daemon running/.test(await text('.kv')), 'no MTA state');
		assert(await page.locator('ul.findings > li').count() >= 1,
		    'no open finding');
		assert(await page.locator('table.events tbody tr').count() >= 1,
		    'no events');
		/* the cron job, in root's mailbox or behind queued mail */
		await page.locator('table.cron td.cmd, table.queued td',
		    { hasText: X.cron_command }).first().waitFor();
		const rem = await page.locator('.remedy-text',
		    { hasText: X.remedy }).count();
		assert(rem >= 1, 'remedy not on the host page');
	});
	await shot('04-host');

	await check('a fixed host shows its finding as resolved', async () => {
		await go('#/host/' + encodeURIComponent(X.fixed_host));
		const li = page.locator('ul.findings.resolved > li',
		    { hasText: 'spool.not_writable_by_mta' });
		await li.first().waitFor();
		assert(/resolved/.test(await li.first().locator('.times')
		    .textContent()), 'no resolution time');
		const open = await page.locator('ul.findings:not(.resolved) > li',
		    { hasText: 'spool.not_writable_by_mta' }).count();
		assert(open === 0, 'still open as well');
	});
	await shot('05-resolved');

	/* 6. Server-side pagination: one host per page. */
	await check('host lists are paginated by the server', async () => {
		await go('#/hosts?limit=1');
		assert(await page.locator('table.hosts tbody tr').count() === 1,
		    'not one row');
		const first = await text('table.hosts a.host');
		await page.click('.pager a.next');
		await settle();
		const second = await text('table.hosts a.host');
		assert(first !== second, 'same host on page 2: ' + second);
	});
	await check('the host filter is applied by the server', async () => {
		await go('#/hosts');
		await page.fill('.filters input[name=q]', X.incident_host);
		await page.click('.filters button[type=submit]');
		await settle();
		const names = await page.locator('table.hosts a.host')
		    .allTextContents();
		assert(names.length >= 1 && names.every((n) =>
		    n.includes(X.incident_host)), 'rows: ' + names.join(' | '));
	});

	/* 7. Hostile hostnames, subjects and log lines. */
	const xssPages = [
		['overview', '#/'],
		['hosts', '#/hosts'],
		['host', '#/host/' + encodeURIComponent(X.xss_host)],
		['events', '#/events?host=' + encodeURIComponent(X.xss_host)],
		['mail', '#/mail'],
		['findings', '#/findings?host=' + encodeURIComponent(X.xss_host)],
	];
	for (const [name, hash] of xssPages) {
		await check('hostile strings stay text on the ' + name + ' page',
		    async () => {
			await page.evaluate(() => {
				window.__sw_violations.length = 0;
			});
			await go(hash);
			await page.waitForTimeout(300);
			await noInjection(name);
		});
	}
	await check('the hostile host page shows its name, subject and log ' +
	    'line as text', async () => {
		await go('#/host/' + encodeURIComponent(X.xss_host));
		await page.waitForSelector('.host-page');
		await shows(X.xss_strings);
		const h1 = (await text('.host-page h1')).trim();
		assert(h1.startsWith(X.xss_host), 'h1: ' + h1);
	});
	await shot('06-xss-host');
	await go('#/events?host=' + encodeURIComponent(X.xss_host));
	await shot('07-xss-events');

	/* 8. The collector goes away: said plainly, old data kept. */
	await go('#/');
	await page.waitForSelector('.overview');
	process.kill(X.collector_pid, 'SIGTERM');
	await check('a stopped collector is reported plainly', async () => {
		/* gone: its process has exited and nothing answers on its port */
		let gone = false;
		for (let i = 0; i < 300 && !gone; i++) {
			try {
				process.kill(X.collector_pid, 0);
				await page.waitForTimeout(100);
				continue;
			} catch (e) {
				/* exited (and reaped by the test's shell) */
			}
			try {
				await fetch(X.url + '/healthz',
				    { signal: AbortSignal.timeout(1000) });
				await page.waitForTimeout(100);
			} catch (e) {
				gone = true;
			}
		}
		assert(gone, 'the collector did not stop within 30 s');
		await page.click('#refresh');
		await page.waitForSelector('#banner', { state: 'visible',
		    timeout: 25000 });
		const b = await text('#banner');
		assert(/Collector down/.test(b), 'banner: ' + b);
		assert(await page.locator('.overview').count() === 1,
		    'the last data was dropped');
	});
	await shot('08-collector-down');

	await T.clean();
} catch (e) {
	T.notOk('the browser run', e && e.stack ? e.stack : e);
}
await T.finish();
