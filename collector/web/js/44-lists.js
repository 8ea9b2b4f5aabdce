/*
 * 44-lists.js - what every list view shares: the filter form, the pager and
 * the API parameters from the hash.
 */

function filterForm(fields, q, target) {
	const form = h('form', { class: 'filters' });
	for (const f of fields) {
		let input;
		if (f.options) {
			input = h('select', { name: f.name },
			    h('option', { value: '' }, f.any || 'any'),
			    f.options.map((o) => h('option', { value: o,
				selected: q.get(f.name) === o }, o)));
		} else if (f.checkbox) {
			input = h('input', { type: 'checkbox', name: f.name,
			    value: 'true', checked: q.get(f.name) === 'true' });
		} else {
			input = h('input', { type: f.type || 'search',
			    name: f.name, placeholder: f.placeholder || '',
			    spellcheck: 'false' });
			input.value = q.get(f.name) || '';
		}
		form.appendChild(h('label', null, f.label, ' ', input));
	}
	form.appendChild(h('button', { type: 'submit' }, 'Filter'));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const out = {};
		for (const f of fields) {
			const el = form.elements[f.name];
			if (f.checkbox)
				out[f.name] = el.checked ? 'true' : '';
			else
				out[f.name] = el.value.trim();
		}
		location.hash = route(target, out);
	});
	return form;
}

function pager(page, base, q) {
	const nav = h('nav', { class: 'pager' });
	if (q.get('cursor')) {
		const first = Object.fromEntries(q);
		delete first.cursor;
		nav.appendChild(h('a', { href: route(base, first) },
		    '« first page'));
	}
	if (page && page.next_cursor) {
		const next = Object.fromEntries(q);
		next.cursor = page.next_cursor;
		nav.appendChild(h('a', { href: route(base, next),
		    class: 'next' }, 'next page »'));
	}
	return nav.childNodes.length ? nav : null;
}

/*
 * The API parameters of a list view: its filters from the hash, the
 * cursor, and the page size (PAGE, or "limit" from the hash).
 */
function apiParams(q, names) {
	const lim = parseInt(q.get('limit') || '', 10);
	const p = { limit: lim > 0 && lim <= 1000 ? lim : PAGE };
	for (const n of names)
		if (q.get(n))
			p[n] = q.get(n);
	if (q.get('cursor'))
		p.cursor = q.get('cursor');
	return p;
}
