{% autoescape off %}// Sportello's service worker: it makes the portal installable as an app (manual §4) and
// shows the offline page when the network is gone. Rendered by sportello.pwa.views.
//
// What it stores, and only that: the static page shell (stylesheet, scripts, icons) and
// the offline page. Pages are always asked of the network and never stored, because they
// carry customer data; so are htmx fragments and anything that is not a GET.
"use strict";

const CACHE_PREFIX = "sportello-shell-";
const CACHE_NAME = "{{ cache_name }}";
const PRECACHE_URLS = {{ precache }};
const STATIC_PREFIX = {{ static_prefix }};
const OFFLINE_URL = {{ offline_url }};
const CACHE_OTHER_STATIC = {{ cache_other_static }};

self.addEventListener("install", (event) => {
  // Revalidated and without cookies: the offline page then holds nobody's data.
  const requests = PRECACHE_URLS.map((url) => new Request(url, { cache: "no-cache", credentials: "omit" }));
  event.waitUntil(
    caches.open(CACHE_NAME)
      .then((cache) => cache.addAll(requests))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    // A new deploy is a new cache name: what the previous workers stored goes away.
    const names = await caches.keys();
    await Promise.all(
      names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME).map((name) => caches.delete(name))
    );
    if (self.registration.navigationPreload) {
      await self.registration.navigationPreload.enable();
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(networkOrOfflinePage(event));
  } else if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(cacheFirst(event));
  }
  // Anything else (htmx fragments, pictures, downloads) goes to the network untouched.
});

async function networkOrOfflinePage(event) {
  try {
    const preloaded = await event.preloadResponse;
    return preloaded || (await fetch(event.request));
  } catch (error) {
    // Only a failed network lands here; an answer from the server, even an error, is shown.
    const cache = await caches.open(CACHE_NAME);
    return (await cache.match(OFFLINE_URL, { ignoreVary: true })) || Response.error();
  }
}

async function cacheFirst(event) {
  const cache = await caches.open(CACHE_NAME);
  const cached = await cache.match(event.request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(event.request);
  if (CACHE_OTHER_STATIC && response.ok && response.type === "basic") {
    event.waitUntil(cache.put(event.request, response.clone()));
  }
  return response;
}
{% endautoescape %}