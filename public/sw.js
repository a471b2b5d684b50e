// Bookshelf's service worker: keeps this version's app shell so the app opens with no network.
// scripts/finish-build.mjs fills in VERSION and ASSETS at build time; a new deploy therefore ships
// a different sw.js, the browser installs it beside the old one, and the page offers to reload.
const VERSION = '__BOOKSHELF_VERSION__';
const ASSETS = ["__BOOKSHELF_ASSETS__"];
const CACHE = `bookshelf-${VERSION}`;
const INDEX = new URL('./index.html', self.registration.scope).href;

self.addEventListener('install', (event) => {
  // Every file of this version, or none: a half-cached version must never serve the app.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith('bookshelf-') && key !== CACHE).map((key) => caches.delete(key)),
      ))
      .then(() => self.clients.claim()),
  );
});

// The page asks the waiting worker to take over when the person chooses to reload.
self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  // Pages get this version's index.html (its hashed files are in the same cache); other files
  // come from the cache first. Anything not cached goes to the network.
  const cached = request.mode === 'navigate'
    ? caches.open(CACHE).then((cache) => cache.match(INDEX))
    : caches.open(CACHE).then((cache) => cache.match(request));
  event.respondWith(cached.then((hit) => hit || fetch(request)));
});
