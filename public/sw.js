// Bookshelf's service worker: keeps this version's app shell so the app opens with no network.
// scripts/finish-build.mjs fills in VERSION and ASSETS at build time; a new deploy therefore ships
// a different sw.js, the browser installs it beside the old one, and the page offers to reload.
//
// Several deployments may share one origin (/bookshelf/ and /bookshelf-next/): each cache is named
// after this worker's scope, and a worker only ever deletes older caches of its own scope.
const VERSION = '__BOOKSHELF_VERSION__';
const ASSETS = ["__BOOKSHELF_ASSETS__"];
const SCOPE = self.registration.scope;
const PREFIX = `bookshelf:${SCOPE}:`;
const CACHE = `${PREFIX}${VERSION}`;
// The page is fetched as ./index.html and kept under the scope URL (./), which is what people
// open; a host that redirects one to the other serves the same page either way.
const PAGE_SOURCE = './index.html';
const PAGE = SCOPE;

/** This deploy's copy of `url`, from the server itself: never an older one from the HTTP cache. */
async function fetchFresh(url) {
  const response = await fetch(new Request(url, { cache: 'reload' }));
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

/**
 * A response a navigation may be answered with: browsers refuse a redirected response for a
 * navigation a service worker serves, so the body is kept in a fresh, unredirected Response.
 */
async function servable(response) {
  if (!response.redirected) return response;
  const headers = new Headers(response.headers);
  // The body read here is already decoded.
  headers.delete('Content-Encoding');
  headers.delete('Content-Length');
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
}

self.addEventListener('install', (event) => {
  // Every file of this version, or none: a half-cached version must never serve the app (a failed
  // install is never activated, and a retry overwrites whatever it had put).
  event.waitUntil((async () => {
    const [page, files] = await Promise.all([
      fetchFresh(PAGE_SOURCE).then(servable),
      Promise.all(ASSETS.map(async (url) => [url, await fetchFresh(url)])),
    ]);
    const cache = await caches.open(CACHE);
    await Promise.all(files.map(([url, response]) => cache.put(url, response)));
    await cache.put(PAGE, page);
  })());
});

/** Is `key` a cache of this scope other than this version's (or an unscoped one of this scope)? */
async function staleHere(key) {
  if (key.startsWith(PREFIX)) return key !== CACHE;
  // Caches of the first workers were named `bookshelf-<version>`, whatever their scope; theirs
  // held the scope URL itself, which tells whose they were.
  if (!key.startsWith('bookshelf-')) return false;
  const legacy = await caches.open(key);
  return (await legacy.keys(PAGE, { ignoreVary: true })).length > 0;
}

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keys = await caches.keys();
    const stale = await Promise.all(keys.map(staleHere));
    await Promise.all(keys.filter((_, i) => stale[i]).map((key) => caches.delete(key)));
    await self.clients.claim();
  })());
});

// The page asks the waiting worker to take over when the person chooses to reload.
self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  // Pages get this version's page (its hashed files are in the same cache); other files come from
  // the cache first. Anything not cached goes to the network.
  const cached = caches.match(request.mode === 'navigate' ? PAGE : request, { cacheName: CACHE });
  event.respondWith(cached.then((hit) => hit || fetch(request)));
});
