/*
 * 80-router.js - routing by location.hash, rendering a view, refreshing it
 * and showing errors.
 */

function parseHash() {
	const raw = location.hash.replace(/^#\/?/, '');
	const qi = raw.indexOf('?');
	const path = qi < 0 ? raw : raw.slice(0, qi);
	const q = new URLSearchParams(qi < 0 ? '' : raw.slice(qi + 1));
	let parts;
	try {
		parts = path.split('/').filter((p) => p !== '')
		    .map(decodeURIComponent);
	} catch (e) {
		parts = ['bad'];
	}
	return { parts, q };
}

function pick(r) {
	const [p0, p1] = r.parts;
	switch (p0 || '') {
	case '':
		return { nav: 'overview', title: 'Overview',
		    run: () => viewOverview() };
	case 'hosts':
		return { nav: 'hosts', title: 'Hosts',
		    run: () => viewHosts(r.q) };
	case 'host':
		if (p1 !== undefined)
			return { nav: 'hosts', title: p1,
			    run: () => viewHost(p1) };
		break;
	case 'findings':
		return { nav: 'findings', title: 'Findings',
		    run: () => viewFindings(r.q) };
	case 'events':
		return { nav: 'events', title: 'Events',
		    run: () => viewEvents(r.q) };
	case 'mail':
		return { nav: 'mail', title: 'Mail',
		    run: () => viewMail(r.q) };
	default:
		break;
	}
	return { nav: '', title: 'Not found', run: async () =>
	    h('div', null, h('h1', null, 'No such page'),
		h('p', null, h('a', { href: '#/' }, 'Back to the overview'))) };
}

let generation = 0;
let timer = null;
let lastOk = null;

/*
 * render(isRefresh): run the current view and swap it in.  A refresh
 * leaves the page alone while the user is typing in it, and a newer
 * navigation wins over an older request still in flight.
 */
async function render(isRefresh) {
	clearTimeout(timer);
	const view = $('view');
	if (isRefresh && (tokenWaiting || document.hidden ||
	    (document.activeElement && view.contains(document.activeElement) &&
	    /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)))) {
		schedule();
		return;
	}
	const gen = ++generation;
	const r = parseHash();
	if (!isRefresh)
		$('generated').textContent = '';
	const v = pick(r);
	document.title = (v.title ? displayText(v.title) + ' – ' : '') +
	    'spoolwatch';
	for (const a of document.querySelectorAll('[data-nav]'))
		a.classList.toggle('active', a.dataset.nav === v.nav);
	if (!isRefresh) {
		view.setAttribute('aria-busy', 'true');
		view.classList.add('loading');
	}
	status('loading…');
	try {
		const node = await v.run();
		if (gen !== generation)
			return;
		clear(view);
		view.appendChild(node);
		view.classList.remove('loading', 'outdated');
		view.setAttribute('aria-busy', 'false');
		banner('', '');
		lastOk = new Date();
		status('updated ' + lastOk.toLocaleTimeString('en-GB') +
		    ' · refresh every ' + REFRESH_S + ' s');
	} catch (e) {
		if (gen !== generation)
			return;
		view.classList.remove('loading');
		view.setAttribute('aria-busy', 'false');
		showError(e);
	}
	schedule();
}

function showError(e) {
	const view = $('view');
	const stale = lastOk ? ' Showing data from ' +
	    lastOk.toLocaleTimeString('en-GB') + '.' : '';
	if (!(e instanceof ApiError)) {
		banner('error', 'The dashboard failed: ' + e.message);
		status('error');
		return;
	}
	if (e.kind === 'auth') {
		const had = !!(token() || memToken);
		if (had)
			setToken('');
		updateForget();
		banner('auth', had ? 'Token refused: the collector answered ' +
		    e.status + ' (' + (e.message || 'unauthorized') + ').' :
		    'The collector needs a read token to show anything.');
		status('token needed');
		clear(view);
		view.appendChild(empty('Waiting for a read token.'));
		askToken(had);
		return;
	}
	if (e.kind === 'down') {
		banner('down', (e.status ? 'Collector error ' + e.status + ': ' :
		    'Collector down: ') + e.message + '. Retrying every ' +
		    REFRESH_S + ' s.' + stale);
		status('collector down');
	} else {
		banner('error', 'The collector answered ' + e.status + ' ' +
		    (e.code || '') + ': ' + e.message + '.' + stale);
		status('error');
	}
	view.classList.add('outdated');
	if (!view.firstChild || view.querySelector('noscript') ||
	    view.getAttribute('aria-busy') === 'true' || !lastOk) {
		clear(view);
		view.appendChild(empty('No data: ' + e.message + '.'));
	}
}

function schedule() {
	clearTimeout(timer);
	timer = setTimeout(() => render(true), REFRESH_S * 1000);
}
