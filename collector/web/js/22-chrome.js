/*
 * 22-chrome.js - the page around the views: banner, status line and the
 * read-token form.
 */

const $ = (id) => document.getElementById(id);

function banner(kind, text) {
	const b = $('banner');
	clear(b);
	if (!text) {
		b.hidden = true;
		return;
	}
	b.className = 'banner banner-' + kind;
	b.appendChild(document.createTextNode(text));
	b.hidden = false;
}

function status(text) {
	$('status').textContent = text;
}

let tokenWaiting = false;

function askToken(refused) {
	tokenWaiting = true;
	const f = $('token-form');
	const e = $('token-error');
	e.textContent = refused ?
	    'The collector refused this token. Enter another one.' : '';
	e.hidden = !refused;
	f.hidden = false;
	$('token-input').value = '';
	$('token-input').focus();
}

function initToken() {
	memToken = token();
	$('token-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const t = $('token-input').value.trim();
		if (!t)
			return;
		setToken(t);
		$('token-form').hidden = true;
		tokenWaiting = false;
		updateForget();
		render(false);
	});
	$('forget-token').addEventListener('click', (ev) => {
		ev.preventDefault();
		setToken('');
		updateForget();
		render(false);
	});
	updateForget();
}

function updateForget() {
	$('forget-token').hidden = !(token() || memToken);
}
