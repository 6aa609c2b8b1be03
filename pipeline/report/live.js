// The live page's one script (WriteLiveHTML): every data-refresh seconds
// it fetches the page again and puts the new <main> in place of the old
// one, keeping the scroll position and which <details> are open, without
// reloading the document. The fetched page is parsed with DOMParser, which
// runs none of its scripts; every log string in it was escaped by the
// server's template. A failed refresh keeps the last content and says so.
(() => {
	"use strict";
	const bar = document.getElementById("live");
	const note = document.getElementById("live-note");
	const every = Math.max(1, Number(bar.dataset.refresh) || 10) * 1000;
	const clock = () => new Date().toISOString().slice(11, 19) + " UTC";
	let busy = false;
	const refresh = async () => {
		if (document.hidden || busy) {
			return;
		}
		busy = true;
		try {
			const res = await fetch(location.href, {cache: "no-store", headers: {Accept: "text/html"}});
			if (!res.ok) {
				throw new Error("HTTP " + res.status);
			}
			const doc = new DOMParser().parseFromString(await res.text(), "text/html");
			const next = doc.querySelector("main");
			const cur = document.querySelector("main");
			if (!next || !cur) {
				throw new Error("no report in the answer");
			}
			const open = [...cur.querySelectorAll("details")].map(d => d.open);
			next.querySelectorAll("details").forEach((d, i) => {
				if (i < open.length) {
					d.open = open[i];
				}
			});
			const x = scrollX, y = scrollY;
			cur.replaceWith(document.adoptNode(next));
			document.title = doc.title;
			scrollTo(x, y);
			note.textContent = "Updated " + clock() + ".";
			bar.classList.remove("stale");
		} catch (e) {
			note.textContent = "Refresh failed at " + clock() + " (" + e.message + "): showing the last report, retrying.";
			bar.classList.add("stale");
		} finally {
			busy = false;
		}
	};
	const loop = async () => {
		await refresh();
		setTimeout(loop, every);
	};
	setTimeout(loop, every);
	document.addEventListener("visibilitychange", () => {
		if (!document.hidden) {
			refresh();
		}
	});
})();
