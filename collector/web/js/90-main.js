/*
 * 90-main.js - start-up: wire the token form, the refresh button and the
 * hash, then render.
 */

function start() {
	initToken();
	initAdmin();
	initLabels();
	$('refresh').addEventListener('click', () => render(false));
	window.addEventListener('hashchange', () => {
		lastOk = null;
		render(false);
	});
	document.addEventListener('visibilitychange', () => {
		if (!document.hidden && lastOk &&
		    Date.now() - lastOk.getTime() > REFRESH_S * 1000)
			render(true);
	});
	render(false);
}

if (document.readyState === 'loading')
	document.addEventListener('DOMContentLoaded', start);
else
	start();
