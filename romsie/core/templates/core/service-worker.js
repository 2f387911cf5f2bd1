/* ROMSIE's service worker: keeps the person's week timetable readable offline.
 *
 * It caches only the pages listed in OFFLINE_PATHS (the person's own week, each week as it is
 * visited: the address with its query is the key) and the style sheets, scripts and images
 * those pages load. Every other request goes to the network untouched: no other page is ever
 * stored. Online, the network answers first and refreshes the copy; offline, the copy answers.
 * A page answered by a redirect (to the sign-in page: nobody signed in any more) empties the
 * cache, as does the sign-out (its Clear-Site-Data header, and the message "clear" that the
 * page's script sends).
 */
"use strict";

const CACHE = "romsie-offline-week-v1";
const OFFLINE_PATHS = {{ offline_paths|safe }};
const SUBRESOURCES = ["style", "script", "image", "manifest", "font"];

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("romsie-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "clear") event.waitUntil(caches.delete(CACHE));
});

function isOfflinePage(address) {
  try {
    const url = new URL(address);
    return url.origin === self.location.origin && OFFLINE_PATHS.includes(url.pathname);
  } catch (error) {
    return false;
  }
}

async function networkFirst(request, isPage) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const cached = await caches.match(request, { cacheName: CACHE });
    if (cached) return cached;
    throw error;
  }
  if (isPage && response.redirected) {
    await caches.delete(CACHE);
  } else if (response.ok && response.type === "basic") {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (isOfflinePage(request.url)) event.respondWith(networkFirst(request, true));
    return;
  }
  if (SUBRESOURCES.includes(request.destination) && isOfflinePage(request.referrer)) {
    event.respondWith(networkFirst(request, false));
  }
});
