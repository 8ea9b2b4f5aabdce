/*
 * 19-csv.js - lists exported as CSV, built in the page from the data the
 * list shows (RFC 4180: CRLF, fields with a quote, comma or line break
 * quoted, quotes doubled) and downloaded from a Blob; no request.  A
 * field starting with =, +, -, @, tab or CR gets a leading ' so that a
 * spreadsheet never runs it as a formula.
 */

function csvField(v) {
	let s = v === null || v === undefined ? '' :
	    typeof v === 'object' ? JSON.stringify(v) : String(v);
	if (/^[=+\-@\t\r]/.test(s))
		s = "'" + s;
	return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function csvText(headers, rows) {
	return [headers, ...rows].map((r) => r.map(csvField).join(','))
	    .join('\r\n') + '\r\n';
}

/* csvButton(name, headers, rows): a button that downloads NAME.csv. */
function csvButton(name, headers, rows) {
	const b = h('button', { type: 'button', class: 'csv' }, 'Export CSV');
	b.addEventListener('click', () => {
		const blob = new Blob([csvText(headers, rows)],
		    { type: 'text/csv;charset=utf-8' });
		const url = URL.createObjectURL(blob);
		const a = h('a', { href: url, download: name + '.csv',
		    hidden: true });
		document.body.appendChild(a);
		a.click();
		a.remove();
		setTimeout(() => URL.revokeObjectURL(url), 60000);
	});
	return b;
}

/* "k=v k2=v2" of a labels object, for CSV. */
function labelsText(labels) {
	return labels && typeof labels === 'object' ?
	    Object.entries(labels).map(([k, v]) => k + '=' + v).join(' ') : '';
}
