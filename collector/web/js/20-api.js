/*
 * 20-api.js - the collector's JSON API: fetch with the token and a timeout,
 * ApiError, and the token kept in sessionStorage.
 */

class ApiError extends Error {
	constructor(kind, status, code, message) {
		super(message);
		this.kind = kind;	/* down | auth | http | bad */
		this.status = status;
		this.code = code;
	}
}

function token() {
	try {
		return sessionStorage.getItem(TOKEN_KEY) || '';
	} catch (e) {
		return '';
	}
}

function setToken(t) {
	try {
		if (t)
			sessionStorage.setItem(TOKEN_KEY, t);
		else
			sessionStorage.removeItem(TOKEN_KEY);
	} catch (e) {
		/* storage disabled: the token lives as long as the page */
	}
	memToken = t;
}

let memToken = '';

async function api(path, params) {
	const url = new URL(API + path, location.origin);
	for (const [k, v] of Object.entries(params || {}))
		if (v !== undefined && v !== null && v !== '')
			url.searchParams.set(k, String(v));
	const headers = { Accept: 'application/json' };
	const tok = token() || memToken;
	if (tok)
		headers.Authorization = 'Bearer ' + tok;
	const ctl = new AbortController();
	const timer = setTimeout(() => ctl.abort(), FETCH_TIMEOUT_MS);
	let resp;
	try {
		resp = await fetch(url, { headers, cache: 'no-store',
		    credentials: 'omit', signal: ctl.signal });
	} catch (e) {
		throw new ApiError('down', 0, 'unreachable',
		    ctl.signal.aborted ?
		    'the collector did not answer within ' +
		    FETCH_TIMEOUT_MS / 1000 + ' s' :
		    'the collector cannot be reached (' + e.message + ')');
	} finally {
		clearTimeout(timer);
	}
	let body = null;
	try {
		body = await resp.json();
	} catch (e) {
		body = null;
	}
	const err = body && typeof body.error === 'object' && body.error ?
	    body.error : {};
	if (resp.status === 401 || resp.status === 403)
		throw new ApiError('auth', resp.status, err.code,
		    err.message || 'a read token is required');
	if (!resp.ok)
		throw new ApiError(resp.status >= 500 ? 'down' : 'http',
		    resp.status, err.code || String(resp.status),
		    err.message || resp.statusText || 'request failed');
	if (body === null || typeof body !== 'object')
		throw new ApiError('bad', resp.status, 'bad_json',
		    path + ' did not answer JSON');
	return body;
}

/* List helpers: tolerate a bare array as well as {items, next_cursor}. */
function items(page) {
	return Array.isArray(page) ? page :
	    Array.isArray(page && page.items) ? page.items : [];
}

function arr(v) {
	return Array.isArray(v) ? v : [];
}
