/*
 * 10-dom.js - building DOM nodes from text only (h, svg), "#/..." routes
 * and links, and making control characters visible.
 */

/*
 * h(tag, attrs, ...kids): an element.  attrs are set with
 * setAttribute (class, href, title, ...) except "on*" functions,
 * which become listeners; kids are nodes or strings, and strings
 * become text nodes.  null/undefined/false kids are skipped.
 */
function h(tag, attrs, ...kids) {
	const e = document.createElement(tag);
	setAttrs(e, attrs);
	append(e, kids);
	return e;
}

function svg(tag, attrs, ...kids) {
	const e = document.createElementNS(SVGNS, tag);
	setAttrs(e, attrs);
	append(e, kids);
	return e;
}

function setAttrs(e, attrs) {
	if (!attrs)
		return;
	for (const [k, v] of Object.entries(attrs)) {
		if (v === null || v === undefined || v === false)
			continue;
		if (k.startsWith('on') && typeof v === 'function')
			e.addEventListener(k.slice(2), v);
		else
			e.setAttribute(k, v === true ? '' : String(v));
	}
}

function append(e, kids) {
	for (const k of kids.flat(Infinity)) {
		if (k === null || k === undefined || k === false)
			continue;
		e.appendChild(k instanceof Node ? k :
		    document.createTextNode(String(k)));
	}
}

/* RFC 3339 in whole seconds, as the API writes it. */
function iso(ms) {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function clear(e) {
	while (e.firstChild)
		e.removeChild(e.firstChild);
}

/* A "#/..." link; parts are path segments, query a plain object. */
function route(parts, query) {
	let s = '#/' + parts.map(encodeURIComponent).join('/');
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(query || {}))
		if (v !== undefined && v !== null && v !== '')
			q.set(k, String(v));
	const qs = q.toString();
	return qs ? s + '?' + qs : s;
}

function hostLink(name) {
	return h('a', { href: route(['host', name]), class: 'host' },
	    displayText(name));
}

/* Control characters are made visible rather than passed through. */
function displayText(v) {
	if (v === null || v === undefined)
		return '';
	return String(v).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g,
	    (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}
