// The service worker: precaches the app shell of one build in a cache named by that build, serves
// it cache-first, and waits for the user before a new build takes over. Of IndexedDB it reads
// only the Background Sync hand-off (`ecrf-background`, written by `src/sync/background.rs`):
// bundles already sealed under the study key, sent when the network returns even after the tab
// was closed, their acknowledgements recorded for the app. It never touches the study's records,
// so an update cannot lose one. The build version and file list are written in by the Trunk
// post-build hook (`cargo xtask sw-manifest`).
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

// Background Sync: the app handed over its unsent commits (sealed bundles and the session's
// token). Each bundle is posted as the app posts it; the acknowledgements are kept for the app
// (server tips) and the hand-off is deleted in the same transaction. A network failure rejects,
// so the browser tries again later; a refusal (expired token, revoked device, a commit the
// server refuses) drops the hand-off: the app's own exchange sends the commits again and shows
// why it cannot.
const HANDOFF_DB = "ecrf-background";
const HANDOFF = "handoff";

function request(r) {
  return new Promise((ok, fail) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
}

function openHandoff() {
  const open = indexedDB.open(HANDOFF_DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(HANDOFF, { keyPath: "key" });
  return request(open);
}

async function sendHandedOff() {
  const db = await openHandoff();
  try {
    const pending = await request(db.transaction(HANDOFF).objectStore(HANDOFF).get("pending"));
    if (!pending) return;
    const acks = [];
    let refused = false;
    for (const bundle of pending.bundles) {
      const response = await fetch("/api/bundles", {
        method: "POST",
        headers: { Authorization: `Bearer ${pending.token}`, "Content-Type": "application/octet-stream" },
        body: bundle,
      });
      if (response.status === 429 || response.status >= 500) throw new Error(`server answered ${response.status}`);
      if (!response.ok) {
        refused = true;
        break;
      }
      const result = await response.json();
      for (const a of result.acks) acks.push([a.device, a.seq, a.commit_id]);
    }
    const tx = db.transaction(HANDOFF, "readwrite");
    const store = tx.objectStore(HANDOFF);
    const earlier = await request(store.get("acks"));
    store.put({ key: "acks", acks: (earlier ? earlier.acks : []).concat(acks) });
    // Delete only the hand-off that was sent: the app may have handed over a newer one meanwhile.
    const now = await request(store.get("pending"));
    if (now && now.created === pending.created) store.delete("pending");
    await new Promise((ok, fail) => {
      tx.oncomplete = ok;
      tx.onerror = () => fail(tx.error);
    });
    if (refused) console.warn("ecrf: the server refused the handed-off changes; the app sends them again");
  } finally {
    db.close();
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag === "ecrf-outbox") event.waitUntil(sendHandedOff());
});
