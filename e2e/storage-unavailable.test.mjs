// When IndexedDB will not open (old private modes, storage disabled, a damaged store), the app
// says clearly that it cannot store books here and why — never an empty catalogue as if the books
// were gone.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useBrowserAndServer, TIMEOUT } from './helpers.mjs';

const shared = useBrowserAndServer();

test('a store that refuses to open is explained, with no empty table', { timeout: 60_000 }, async () => {
  const context = await shared.browser.newContext();
  context.setDefaultTimeout(TIMEOUT);
  // Every open is refused, as with storage disabled by settings or in old private modes.
  await context.addInitScript(() => {
    window.__bookshelfOpens = 0;
    IDBFactory.prototype.open = function refuse() {
      window.__bookshelfOpens += 1;
      throw new DOMException('The user denied permission to access the database.', 'UnknownError');
    };
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(shared.server.url);
  const alert = page.getByRole('alert').filter({ hasText: 'will not let Bookshelf store books' });
  await alert.waitFor({ timeout: 15_000 });
  assert.equal(await page.getByRole('table').count(), 0, 'no table');
  assert.equal(await page.getByText('No books yet').count(), 0, 'no empty catalogue');
  assert.ok(await page.evaluate(() => window.__bookshelfOpens) >= 3, 'it retried');
  assert.deepEqual(errors, []);
  await context.close();
});
