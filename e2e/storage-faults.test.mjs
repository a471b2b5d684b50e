// The database taken away or held under the running app, the way browsers do it:
// - site data cleared while the app runs (DevTools protocol Storage.clearDataForOrigin): the app
//   notices, opens its storage again, says what happened, and keeps working;
// - a newer version of the app opening the database in another tab: this tab lets go at once (the
//   newer one is never blocked) and says "A newer version of Bookshelf was opened — reload";
// - an older tab that holds the database and does not let go: the app says what blocks it
//   ("close other Bookshelf tabs") and goes on, upgrading the old books, once that tab closes.
//
// The "other tab" is a page of the same origin that drives IndexedDB by hand, as another build of
// the app would.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  useBrowserAndServer, addBook, expectCount, waitForList, rowFor, emptyState, waitFor, TIMEOUT,
} from './helpers.mjs';

const shared = useBrowserAndServer();
const DATABASE = 'bookshelf';

/** A context and a page of the app (not yet opened) that records page and console errors. */
async function start() {
  const context = await shared.browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  const errors = [];
  const watch = (page) => {
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/favicon\.ico/.test(message.location()?.url || '')) {
        errors.push(`console.error: ${message.text()}`);
      }
    });
  };
  const page = await context.newPage();
  watch(page);
  /** Another tab of the same origin that is not the app (a static file of the site). */
  const otherTab = async () => {
    const other = await context.newPage();
    await other.goto(new URL('icon.svg', shared.server.url).href);
    return other;
  };
  return { context, page, errors, otherTab };
}

test('site data cleared under the running app: it reopens, says so, and keeps working', { timeout: 60_000 }, async () => {
  const { context, page, errors } = await start();
  await page.goto(shared.server.url);
  await waitForList(page);
  await addBook(page, { title: 'Before The Clearing', author: 'Someone', genre: '' });
  await expectCount(page, '1 book');

  const cdp = await context.newCDPSession(page);
  const origin = new URL(shared.server.url).origin;
  await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'indexeddb' });

  const notice = page.getByRole('alert').filter({ hasText: "The browser cleared Bookshelf's storage" });
  await notice.waitFor({ timeout: 5_000 });
  assert.match(await notice.textContent(), /opened its storage again/);
  await emptyState(page).waitFor({ timeout: 5_000 });

  // Not "failing on every click": the next write works, and is there after a reload.
  await addBook(page, { title: 'After The Clearing', author: 'Someone', genre: '' });
  await expectCount(page, '1 book');
  await page.reload();
  await waitForList(page);
  await rowFor(page, 'After The Clearing').waitFor();
  await expectCount(page, '1 book');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a newer version opened elsewhere is never blocked, and this tab says to reload', { timeout: 60_000 }, async () => {
  const { context, page, errors, otherTab } = await start();
  await page.goto(shared.server.url);
  await waitForList(page);
  await addBook(page, { title: 'Written By The Old Version', author: 'Someone', genre: '' });

  const newer = await otherTab();
  // A newer build opens the database at a higher version; it must not wait for this tab.
  const opened = await newer.evaluate((name) => new Promise((resolve) => {
    const started = performance.now();
    const request = indexedDB.open(name, 1000);
    request.onblocked = () => resolve({ blocked: true });
    request.onsuccess = () => {
      request.result.close();
      resolve({ blocked: false, ms: performance.now() - started });
    };
    request.onerror = () => resolve({ error: String(request.error) });
  }), DATABASE);
  assert.equal(opened.blocked, false, `the newer version was blocked: ${JSON.stringify(opened)}`);

  const alert = page.getByRole('alert').filter({ hasText: 'A newer version of Bookshelf was opened — reload' });
  await alert.waitFor({ timeout: 5_000 });
  await alert.getByRole('button', { name: 'Reload' }).waitFor();
  assert.equal(await page.getByRole('table').count(), 0, 'the old catalogue is not left to fail on every click');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an older tab holding the database blocks the upgrade: the app says so and goes on when it closes', { timeout: 60_000 }, async () => {
  const { context, page, errors, otherTab } = await start();
  const old = await otherTab();
  // An old build: schema version 1 (one store, auto-increment ids), one book, and a connection that
  // ignores "versionchange", as tabs of builds before that handler did.
  await old.evaluate((name) => new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore('books', { keyPath: 'id', autoIncrement: true });
    };
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const db = request.result;
      window.heldOpen = db;
      const write = db.transaction('books', 'readwrite');
      write.objectStore('books').add({ title: 'From The Old Build', author: 'Old Author', genre: 'Classics' });
      write.oncomplete = () => resolve();
      write.onerror = () => reject(write.error);
    };
  }), DATABASE);

  await page.goto(shared.server.url);
  const blocked = page.getByRole('alert').filter({ hasText: 'close other Bookshelf tabs' });
  await blocked.waitFor({ timeout: 5_000 });
  assert.equal(await page.getByRole('table').count(), 0);

  await old.evaluate(() => window.heldOpen.close());
  await waitForList(page);
  await rowFor(page, 'From The Old Build').waitFor();
  await expectCount(page, '1 book');
  assert.equal(await blocked.count(), 0, 'the blocked message is gone');
  assert.deepEqual(errors, []);
  await context.close();
});

test('storage is asked to be persistent, and the page says when it is not', { timeout: 60_000 }, async () => {
  const footer = (page) => page.locator('footer.storage');
  // Without the browser's promise (the default for a site never visited before, headless).
  const denied = await start();
  await denied.context.addInitScript(() => {
    window.persistCalls = 0;
    const persist = StorageManager.prototype.persist;
    StorageManager.prototype.persist = function counted() {
      window.persistCalls += 1;
      return persist.call(this);
    };
  });
  await denied.page.goto(shared.server.url);
  await waitForList(denied.page);
  assert.equal(await denied.page.evaluate(() => window.persistCalls), 0, 'not asked before there is anything to keep');
  await addBook(denied.page, { title: 'Not Promised', author: 'Someone', genre: '' });
  await waitFor(async () => assert.equal(await denied.page.evaluate(() => window.persistCalls), 1, 'asked once after the first change'));
  await footer(denied.page).getByText('may clear them when it runs short of space').waitFor();
  await footer(denied.page).getByRole('button', { name: 'Keep my books on this device' }).waitFor();
  assert.deepEqual(denied.errors, []);
  await denied.context.close();

  // With it: after the first change the app asks, and the page says the books are kept.
  const granted = await start();
  const cdp = await granted.context.newCDPSession(granted.page);
  const { targetInfo } = await cdp.send('Target.getTargetInfo');
  await cdp.send('Browser.grantPermissions', {
    origin: new URL(shared.server.url).origin,
    permissions: ['durableStorage'],
    browserContextId: targetInfo.browserContextId,
  });
  await granted.page.goto(shared.server.url);
  await waitForList(granted.page);
  await addBook(granted.page, { title: 'Promised', author: 'Someone', genre: '' });
  await footer(granted.page).getByText('keeps them until you delete them').waitFor();
  assert.equal(await footer(granted.page).getByRole('button').count(), 0);
  assert.equal(await granted.page.evaluate(() => navigator.storage.persisted()), true);
  assert.deepEqual(granted.errors, []);
  await granted.context.close();
});
