/*
 * 18-tables.js - tables that sort by any column: a click on a header (a
 * button, so the keyboard works too) sorts the rows by that column,
 * again the other way; aria-sort tells which.  A cell sorts by its
 * data-sort value, else the time of its <time>, else its text; numbers
 * compare as numbers, text in natural order.  The choice is kept per
 * table kind, so a refresh keeps the order.  Cells keep words whole
 * (CSS); a path gets break chances after its slashes only.
 */

const sortState = new Map();	/* table class -> {col, dir} */

function td(...kids) {
	return h('td', null, ...kids);
}

/* A number cell, sorted by its value. */
function tdNum(n) {
	return h('td', { class: 'num', 'data-sort': typeof n === 'number' ?
	    n : null }, num(n));
}

/* A path in <code>, which may wrap after each "/" and nowhere else. */
function pathCode(p) {
	const parts = displayText(p).split('/');
	return h('code', { class: 'path' }, parts.map((x, i) =>
	    i < parts.length - 1 ? [x, '/', h('wbr')] : x));
}

/* The sort key of a cell: a number when it has one, else its text. */
function sortKey(cell) {
	if (!cell)
		return '';
	const ds = cell.getAttribute('data-sort');
	if (ds !== null && ds !== '' && !isNaN(Number(ds)))
		return Number(ds);
	if (ds !== null)
		return ds;
	const t = cell.querySelector('time');
	if (t && !isNaN(Date.parse(t.getAttribute('datetime'))))
		return Date.parse(t.getAttribute('datetime'));
	const text = cell.textContent.trim();
	const n = text.replace(/,/g, '').replace(/ ?%$/, '');
	return n !== '' && !isNaN(Number(n)) ? Number(n) : text;
}

const collator = new Intl.Collator('en', { numeric: true,
    sensitivity: 'base' });

function compareKeys(a, b) {
	const na = typeof a === 'number', nb = typeof b === 'number';
	if (na && nb)
		return a - b;
	if (na !== nb)
		return na ? -1 : 1;	/* numbers before text */
	return collator.compare(a, b);
}

/* sortRows(tbl, col, dir): reorder the body rows (stable). */
function sortRows(tbl, col, dir) {
	const body = tbl.tBodies[0];
	const rows = [...body.rows].map((r, i) => ({ r, i,
	    k: sortKey(r.cells[col]) }));
	rows.sort((a, b) => (dir === 'descending' ? -1 : 1) *
	    compareKeys(a.k, b.k) || a.i - b.i);
	for (const x of rows)
		body.appendChild(x.r);
	tbl.querySelectorAll('thead th').forEach((th, i) =>
	    th.setAttribute('aria-sort', i === col ? dir : 'none'));
}

function table(headers, rows, cls) {
	const heads = headers.map((x, i) => {
		if (x === '' || x === null)
			return h('th', null);
		const b = h('button', { type: 'button', class: 'sort' }, x);
		b.addEventListener('click', () => {
			const st = sortState.get(cls);
			const dir = st && st.col === i && st.dir === 'ascending' ?
			    'descending' : 'ascending';
			sortState.set(cls, { col: i, dir });
			sortRows(tbl, i, dir);
		});
		return h('th', { 'aria-sort': 'none' }, b);
	});
	const tbl = h('table', { class: cls || null },
	    h('thead', null, h('tr', null, heads)),
	    h('tbody', null, rows));
	const st = sortState.get(cls);
	if (st && st.col < headers.length)
		sortRows(tbl, st.col, st.dir);
	return h('div', { class: 'table-wrap' }, tbl);
}
