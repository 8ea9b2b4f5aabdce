/*
 * 24-admin.js - the admin token (for acknowledging findings): a field in
 * the footer, kept in sessionStorage for the tab, sent as Authorization:
 * Bearer on the acknowledgement calls only (reads keep the read token: a
 * token is of one kind).  Without it the page shows no ack buttons.
 */

const ADMIN_KEY = 'spoolwatch.admin_token';
let memAdmin = '';

function adminToken() {
	try {
		return sessionStorage.getItem(ADMIN_KEY) || memAdmin;
	} catch (e) {
		return memAdmin;
	}
}

function setAdminToken(t) {
	try {
		if (t)
			sessionStorage.setItem(ADMIN_KEY, t);
		else
			sessionStorage.removeItem(ADMIN_KEY);
	} catch (e) {
		/* storage disabled: the token lives as long as the page */
	}
	memAdmin = t;
	updateAdmin();
}

function updateAdmin() {
	const held = !!adminToken();
	$('admin-form').hidden = held;
	$('admin-held').hidden = !held;
}

/* adminCall(method, path, body): an acknowledgement call; a refused
 * token is forgotten (the error still reaches the caller). */
async function adminCall(method, path, body) {
	try {
		return await call(method, path, undefined, body, adminToken());
	} catch (e) {
		if (e instanceof ApiError && e.kind === 'auth') {
			setAdminToken('');
			e.message = 'admin token refused (' + e.status + '): ' +
			    e.message;
		}
		throw e;
	}
}

function initAdmin() {
	memAdmin = adminToken();
	$('admin-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const t = $('admin-input').value.trim();
		$('admin-input').value = '';
		if (!t)
			return;
		setAdminToken(t);
		render(false);
	});
	$('admin-forget').addEventListener('click', (ev) => {
		ev.preventDefault();
		setAdminToken('');
		render(false);
	});
	updateAdmin();
}
