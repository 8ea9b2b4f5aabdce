/*
 * 26-labels.js - the label filter: KEY:VALUE pairs (all must match) that
 * narrow every list and the summary, so the overview, the host list,
 * findings, events and mail all show the same part of the fleet.  Kept
 * for the tab (sessionStorage), set in the header's field or by clicking
 * a label chip, and sent as repeated label= arguments by api() (not on a
 * request that names its host).  A host page and the history charts are
 * not narrowed (the API takes no label there); the fleet charts say so
 * while a filter is set.
 */

const LABELS_KEY = 'spoolwatch.labels';
const LABELLED = ['/summary', '/hosts', '/findings', '/events', '/mail',
    '/remedies'];

/* The filter: ["env:prod", ...]. */
function labelFilter() {
	let v = '';
	try {
		v = sessionStorage.getItem(LABELS_KEY) || '';
	} catch (e) {
		v = '';
	}
	return parseLabels(v);
}

/* "env:prod, role=web" -> ["env:prod", "role:web"]: pairs split on
 * commas or spaces, "=" taken for ":", empty and key-less ones dropped. */
function parseLabels(text) {
	return String(text).split(/[\s,]+/).map((p) => p.replace('=', ':'))
	    .filter((p) => /^[^:]+:./.test(p))
	    .filter((p, i, a) => a.indexOf(p) === i);
}

function setLabelFilter(list) {
	try {
		if (list.length)
			sessionStorage.setItem(LABELS_KEY, list.join(' '));
		else
			sessionStorage.removeItem(LABELS_KEY);
	} catch (e) {
		/* storage disabled: no filter */
	}
	showLabelFilter();
}

/* The label arguments of a request to path (none where not taken). */
function labelParams(path) {
	return LABELLED.includes(path) ? labelFilter() : [];
}

/* Narrow the views to key=value too (a chip's click). */
function addLabel(k, v) {
	const f = labelFilter();
	const p = k + ':' + v;
	if (!f.includes(p))
		setLabelFilter(f.concat([p]));
	render(false);
}

function showLabelFilter() {
	const f = labelFilter();
	$('label-input').value = f.join(' ');
	const act = $('label-active');
	clear(act);
	for (const p of f) {
		const b = h('button', { type: 'button', class: 'chip chip-x',
		    title: 'Remove this label from the filter' }, p, ' ×');
		b.addEventListener('click', () => {
			setLabelFilter(labelFilter().filter((x) => x !== p));
			render(false);
		});
		act.appendChild(b);
	}
	act.hidden = !f.length;
}

function initLabels() {
	$('label-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		setLabelFilter(parseLabels($('label-input').value));
		render(false);
	});
	showLabelFilter();
}
