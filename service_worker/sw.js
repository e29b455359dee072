// The field app's service worker. It only caches: the app shell and its assets, so the app
// opens with no network. Data lives in IndexedDB and moves through the page's outbox; nothing
// here touches /api/.
//
// static/build.mjs bakes in __APP_VERSION__ (a hash of every asset, template and translation)
// and __PRECACHE__ (the bundles and icons). A new release is a new cache; the old ones are
// deleted when the new worker activates, which waits until the page says "reload".
/* global __APP_VERSION__, __PRECACHE__ */

const VERSION = __APP_VERSION__;
const PRECACHE = __PRECACHE__;
const PREFIX = "field-shell-";
const CACHE = `${PREFIX}${VERSION}`;
const SHELL = "/app/";
const OFFLINE = "/offline";
const MANIFEST = "/manifest.webmanifest";
// Pages rendered by the server that must be kept too; each must come from this very release.
const PAGES = [SHELL, OFFLINE];

/** Fetch a page of this release for the cache (fails the install if the server moved on). */
async function fetchPage(url) {
  const response = await fetch(new Request(url, { cache: "reload", credentials: "same-origin", redirect: "follow" }));
  if (!response.ok || response.redirected) throw new Error(`cannot precache ${url}: ${response.status}`);
  const version = response.headers.get("X-App-Version");
  if (version !== VERSION) throw new Error(`release changed during install (${version} != ${VERSION})`);
  return response;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // Bundles have hashed names and never change: the copy the page has just loaded (the
      // HTTP cache) is the right one, so only the unhashed icons are fetched afresh.
      await cache.addAll(PRECACHE.map((url) => (url.startsWith("/assets/") ? url : new Request(url, { cache: "reload" }))));
      for (const url of PAGES) await cache.put(url, await fetchPage(url));
      const manifest = await fetch(new Request(MANIFEST, { cache: "reload", credentials: "same-origin" }));
      if (manifest.ok) await cache.put(MANIFEST, manifest);
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") self.skipWaiting();
  if (event.data?.type === "VERSION") event.source?.postMessage({ type: "VERSION", version: VERSION });
});

/** The cached shell, refreshed from the server in the background when it answers. */
async function shellResponse(event, url) {
  const cache = await caches.open(CACHE);
  if (url.searchParams.has("lang")) {
    // A language switch: the server records the choice and renders the shell in it.
    try {
      const fresh = await fetch(event.request);
      if (fresh.ok && fresh.headers.get("X-App-Version") === VERSION) await cache.put(SHELL, fresh.clone());
      return fresh;
    } catch {
      /* offline: the cached shell, in the language it has */
    }
  }
  const cached = await cache.match(SHELL);
  if (cached) {
    event.waitUntil(refreshShell(cache));
    return cached;
  }
  try {
    return await fetch(event.request);
  } catch {
    return (await cache.match(OFFLINE)) || new Response("offline", { status: 503 });
  }
}

/** Keep the cached shell current (language, strings) while it belongs to this release. */
async function refreshShell(cache) {
  try {
    const fresh = await fetch(new Request(SHELL, { cache: "no-store", credentials: "same-origin" }));
    if (fresh.ok && !fresh.redirected && fresh.headers.get("X-App-Version") === VERSION) await cache.put(SHELL, fresh);
  } catch {
    /* offline: keep what we have */
  }
}

/** A label URL: the server's page when online, the shell (which resolves the token) offline. */
async function labelResponse(event) {
  try {
    return await fetch(event.request);
  } catch {
    const cached = await caches.match(SHELL, { cacheName: CACHE });
    return cached || new Response("offline", { status: 503 });
  }
}

/** Any other page: the network, else the offline page. */
async function pageResponse(event) {
  try {
    return await fetch(event.request);
  } catch {
    const cached = await caches.match(OFFLINE, { cacheName: CACHE });
    return cached || new Response("offline", { status: 503 });
  }
}

/** A precached asset: from the cache, else the network. */
async function assetResponse(request) {
  const cached = await caches.match(request, { cacheName: CACHE });
  return cached || fetch(request);
}

/** The manifest: the network (it follows the language), else the cached copy. */
async function manifestResponse(request) {
  try {
    return await fetch(request);
  } catch {
    return (await caches.match(MANIFEST, { cacheName: CACHE })) || new Response("{}", { status: 503 });
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return;
  if (request.mode === "navigate") {
    if (url.pathname === "/app" || url.pathname.startsWith("/app/")) event.respondWith(shellResponse(event, url));
    else if (/^\/q\/[^/]+\/?$/.test(url.pathname)) event.respondWith(labelResponse(event));
    else event.respondWith(pageResponse(event));
    return;
  }
  if (url.pathname === MANIFEST) {
    event.respondWith(manifestResponse(request));
    return;
  }
  if (PRECACHE.includes(url.pathname)) event.respondWith(assetResponse(request));
});
