// The service worker: precaches the app shell of one build in a cache named by that build, serves
// it cache-first, and waits for the user before a new build takes over. It never touches
// IndexedDB, so an update cannot lose a record. The build version and file list are written in
// by the Trunk post-build hook (`cargo xtask sw-manifest`).
const BUILD_VERSION = "__ECRF_BUILD_VERSION__";
const PRECACHE = "__ECRF_PRECACHE__";
const PREFIX = "ecrf-shell-";
const CACHE = PREFIX + BUILD_VERSION;

self.addEventListener("install", (event) => {
  // A development build (no hook) has nothing to precache.
  const urls = Array.isArray(PRECACHE) ? PRECACHE : [];
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(urls.map((u) => new Request(u, { cache: "reload" }))))
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") {
    self.skipWaiting();
  }
  if (event.data && event.data.type === "VERSION" && event.ports[0]) {
    event.ports[0].postMessage(BUILD_VERSION);
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // The API is never cached: sync must see the server's truth or fail visibly.
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  // Client-side routes are all the one page.
  const key = request.mode === "navigate" ? "/index.html" : request;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(key, { ignoreSearch: request.mode === "navigate" }).then((hit) => hit || fetch(request))
    )
  );
});
