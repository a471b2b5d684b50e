// Storage full: a write past the quota fails with a clear notice, writes nothing, and harms
// nothing already stored. The quota is made small the way Chromium allows it (DevTools protocol).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useBrowserAndServer, addBook, expectCount, waitForList, reloadList, TIMEOUT } from './helpers.mjs';

const shared = useBrowserAndServer();

/** The app under a 4 MB quota, holding one book; `finish()` checks that book is all there is. */
async function underSmallQuota() {
  const context = await shared.browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Chromium applies a quota override to connections opened after it: set it on a blank page.
  const cdp = await context.newCDPSession(page);
  const origin = new URL(shared.server.url).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 4 * 1024 * 1024 });
  await page.goto(shared.server.url);
  await waitForList(page);
  await addBook(page, { title: 'Kept Safe', author: 'Before The Flood', genre: '' });
  await expectCount(page, '1 book');
  const finish = async () => {
    const alert = page.getByRole('alert').filter({ hasText: 'Storage is full' });
    await alert.waitFor({ timeout: 120_000 });
    assert.match(await alert.textContent(), /Nothing was changed/);
    assert.match(await alert.textContent(), /export/);
    await expectCount(page, '1 book');
    await reloadList(page);
    await expectCount(page, '1 book');
    await page.getByRole('link', { name: 'Kept Safe' }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  };
  return { page, finish };
}

test('a write past the quota says storage is full and changes nothing', { timeout: 180_000 }, async () => {
  const { page, finish } = await underSmallQuota();
  await page.getByText('Developer tools').click();
  await page.getByLabel('Number of sample books').fill('100000');
  await page.getByRole('button', { name: 'Generate sample books' }).click();
  await finish();
});

test('an import that does not fit writes nothing', { timeout: 180_000 }, async () => {
  const { page, finish } = await underSmallQuota();
  const rows = 60_000;
  const lines = ['title,author,genre'];
  for (let i = 1; i <= rows; i++) lines.push(`Too Many ${i},Author ${i % 101},Genre ${i % 7}`);
  await page.getByLabel('Import', { exact: true }).setInputFiles({
    name: 'too-big.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')),
  });
  await page.getByRole('button', { name: `Import ${rows} books`, exact: true }).click({ timeout: 60_000 });
  await finish();
});
