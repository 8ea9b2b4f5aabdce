// harness.mjs - what every browser test of the dashboard shares: the TAP-ish
// check lines, the run's deadline, and a headless Debian chromium (through
// playwright-core) whose page is watched for requests to other hosts, CSP
// violations and script errors.
//
// A test does:
//   const T = await start(process.argv[2], (X) => ({ launch options }));
//   const { X, page, ctx, check, assert } = T;
//   try { ... await T.check('...', async () => { ... }); ... }
//   catch (e) { T.notOk('the browser run', e.stack); }
//   await T.finish();
//
// X is the test's EXPECT.json (url, token, profile, out, chromium, ...).
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const WAIT = 15000;		// any single wait
const DEADLINE = 240000;	// the whole run

export async function start(expectFile, launch = () => ({})) {
	const X = JSON.parse(fs.readFileSync(expectFile, 'utf8'));
	let failed = 0;
	const T = { X };

	T.ok = (desc) => console.log('ok - ' + desc);
	T.notOk = (desc, why) => {
		failed++;
		console.log('not ok - ' + desc);
		if (why)
			for (const l of String(why).split('\n').slice(0, 12))
				console.log('# ' + l);
	};
	T.check = async (desc, fn) => {
		try {
			if (await fn() === false)
				T.notOk(desc);
			else
				T.ok(desc);
		} catch (e) {
			T.notOk(desc, e && e.message ? e.message : e);
		}
	};
	T.assert = (cond, msg) => {
		if (!cond)
			throw new Error(msg);
	};

	const killer = setTimeout(() => {
		console.log('not ok - the browser run finished within ' +
		    DEADLINE / 1000 + ' s');
		process.exit(1);
	}, DEADLINE);

	const ctx = await chromium.launchPersistentContext(X.profile, {
		executablePath: X.chromium,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu',
		    '--disable-background-networking',
		    '--disable-component-update', '--disable-sync',
		    '--no-first-run', '--disable-quic', '--disable-extensions',
		    '--disable-dev-shm-usage'],
		viewport: { width: 1400, height: 1000 },
		timeout: 60000,
		...launch(X),
	});
	ctx.setDefaultTimeout(WAIT);

	// Every request must go to the collector: nothing from another host.
	T.foreign = [];
	ctx.on('request', (r) => {
		const u = r.url();
		if (!u.startsWith(X.url + '/') &&
		    !u.startsWith('blob:' + X.url + '/') && !u.startsWith('data:'))
			T.foreign.push(u);
	});
	// Markup injection shows up as CSP violations (inline handlers,
	// inline scripts) or as calls to the hooks hostile strings would call.
	await ctx.addInitScript(() => {
		window.__sw_violations = [];
		document.addEventListener('securitypolicyviolation', (e) =>
		    window.__sw_violations.push(e.violatedDirective + ' ' +
			e.blockedURI + ' ' + (e.sample || '')));
		window.__sw_xss = 0;
	});
	const page = ctx.pages()[0] || await ctx.newPage();
	T.pageErrors = [];
	page.on('pageerror', (e) => T.pageErrors.push(e.message));
	T.ctx = ctx;
	T.page = page;

	T.shot = async (name) => {
		const f = path.join(X.out, name + '.png');
		await page.evaluate(() => window.scrollTo(0, 0));
		await page.screenshot({ path: f, fullPage: true });
		console.log('# screenshot ' + f);
	};
	T.go = async (hash) => {
		await page.goto(X.url + '/' + hash);
		await page.waitForSelector('#view[aria-busy="false"]');
	};
	// After a hash navigation or an action that re-renders the view.
	T.settle = async () => {
		await page.waitForFunction(() =>
		    document.getElementById('view').getAttribute('aria-busy') ===
			'false' &&
		    !document.getElementById('view').classList.contains('loading'));
	};
	T.text = (sel) => page.locator(sel).first().textContent();
	// The API as the test sees it: node's fetch with the read token.
	T.apiGet = async (p) => {
		const r = await fetch(X.url + '/api/v1' + p,
		    { headers: { Authorization: 'Bearer ' + X.token } });
		T.assert(r.ok, 'GET ' + p + ': ' + r.status);
		return r.json();
	};
	// The checks every run ends with.
	T.clean = async () => {
		await T.check('no request left the collector', async () => {
			T.assert(T.foreign.length === 0, T.foreign.join(' '));
		});
		await T.check('no CSP violation and no script error', async () => {
			const v = await page.evaluate(() => window.__sw_violations);
			T.assert(v.length === 0, v.join('; '));
			T.assert(T.pageErrors.length === 0, T.pageErrors.join('\n'));
		});
	};
	T.finish = async () => {
		await ctx.close().catch(() => {});
		clearTimeout(killer);
		process.exit(failed ? 1 : 0);
	};
	return T;
}
