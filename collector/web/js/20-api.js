/*
 * 20-api.js - the collector's JSON API: fetch with a token and a timeout,
 * ApiError, and the read token kept in sessionStorage.
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

/* api(path, params): GET with the read token (and the label filter
 * where the endpoint takes it and no host is named, 26-labels.js). */
function api(path, params) {
	const lab = params && params.host ? [] : labelParams(path);
	return call('GET', path, lab.length ? Object.assign({}, params,
	    { label: lab }) : params, undefined, token() || memToken);
}

/*
 * call(method, path, params, body, tok): one request to the API with
 * bearer token tok (if any) and a JSON body (if not undefined); the
 * answer's JSON, or an ApiError.
 */
async function call(method, path, params, body, tok) {
	const url = new URL(API + path, location.origin);
	for (const [k, v] of Object.entries(params || {}))
		for (const one of Array.isArray(v) ? v : [v])
			if (one !== undefined && one !== null && one !== '')
				url.searchParams.append(k, String(one));
	const headers = { Accept: 'application/json' };
	if (tok)
		headers.Authorization = 'Bearer ' + tok;
	if (body !== undefined)
		headers['Content-Type'] = 'application/json';
	const ctl = new AbortController();
	const timer = setTimeout(() => ctl.abort(), FETCH_TIMEOUT_MS);
	let resp;
	try {
		resp = await fetch(url, { method, headers, cache: 'no-store',
		    credentials: 'omit', signal: ctl.signal,
		    body: body === undefined ? undefined : JSON.stringify(body) });
	} catch (e) {
		throw new ApiError('down', 0, 'unreachable',
		    ctl.signal.aborted ?
		    'the collector did not answer within ' +
		    FETCH_TIMEOUT_MS / 1000 + ' s' :
		    'the collector cannot be reached (' + e.message + ')');
	} finally {
		clearTimeout(timer);
	}
	let data = null;
	try {
		data = await resp.json();
	} catch (e) {
		data = null;
	}
	const err = data && typeof data.error === 'object' && data.error ?
	    data.error : {};
	if (resp.status === 401 || resp.status === 403)
		throw new ApiError('auth', resp.status, err.code,
		    err.message || (method === 'GET' ? 'a read token is required' :
		    'an admin token is required'));
	if (!resp.ok)
		throw new ApiError(resp.status >= 500 ? 'down' : 'http',
		    resp.status, err.code || String(resp.status),
		    err.message || resp.statusText || 'request failed');
	if (data === null || typeof data !== 'object')
		throw new ApiError('bad', resp.status, 'bad_json',
		    path + ' did not answer JSON');
	return data;
}

/* List helpers: tolerate a bare array as well as {items, next_cursor}. */
function items(page) {
	return Array.isArray(page) ? page :
	    Array.isArray(page && page.items) ? page.items : [];
}

function arr(v) {
	return Array.isArray(v) ? v : [];
}
