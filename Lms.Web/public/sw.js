// Lms service worker: keeps the app shell (index.html) and the built assets, so that a page that was
// open (a quiz on a phone) reloads without network. The API is never cached here: answers wait in
// IndexedDB (see src/pages/assessment/offlineStore.ts) until the server acknowledges them.
// v2: the shell is /index.html. "/" and "/sign-in" are rendered by the server (a signed-in person's home holds their
// courses), so no navigation answer is stored: one person's page is never served to another from here.
const CACHE = 'lms-shell-v2';
const SHELL = '/index.html';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([SHELL, '/manifest.webmanifest', '/icon.svg'])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || /^\/(api|hubs|health|openapi)\//.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    // Network for pages; the app's plain shell when offline (the app then shows what it keeps itself). While online,
    // the shell copy is brought up to date (revalidated by its ETag), so that it matches the assets of this build.
    event.respondWith(fetch(request).then((response) => {
      if (response.ok) caches.open(CACHE).then((cache) => cache.add(SHELL)).catch(() => undefined);
      return response;
    }).catch(() => caches.match(SHELL)));
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    // Built assets are named by content hash: cache first.
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((response) => {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(request, copy));
      return response;
    })));
  }
});
