// Service worker: after the first visit every file of the site is kept in the browser's
// cache, so the page opens and checks workbooks offline. tools/build_page.py fills in
// the version (a hash of the file list) and the files; a new build gets a new cache.
const VERSION = "__VERSION__";
const FILES = __FILES__;
const CACHE = "lketool-page-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("lketool-page-") && k !== CACHE)
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  // Only this site's own files are ever requested; anything else is left alone.
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(caches.open(CACHE).then((c) =>
    c.match(event.request, { ignoreSearch: true }).then((hit) => hit || fetch(event.request))));
});
