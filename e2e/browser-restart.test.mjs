// Books survive closing the browser, not only a reload. Every other e2e test uses a fresh,
// incognito-like context, whose storage lives in memory and dies with it; here Chromium runs on a
// profile on disk (a temporary user-data-dir), the catalogue is changed every way it can be (an
// import, adds, edits, a delete, a delete undone), Chromium is closed completely — the process
// gone, the profile's lock released — and started again on the same profile. The app, and the
// store read straight from IndexedDB, must show exactly what was done.
//
// IndexedDB belongs to an origin, so one server (one port) serves both launches.

import assert from 'node:assert/strict';
import { test, before, after } from 'node:test';
import { existsSync, lstatSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';
import {
  DIST, TIMEOUT, addBook, addForm, expectCount, field, readTable, rowFor, storedRecords, waitFor,
  waitForList,
} from './helpers.mjs';

let server;
let profile;
/** Every Chromium this file started, closed after it even when a test fails. */
const launched = [];
before(async () => {
  server = await startServer({ dir: DIST });
  profile = mkdtempSync(path.join(os.tmpdir(), 'bookshelf-profile-'));
});
after(async () => {
  for (const context of launched) await context.close().catch(() => {});
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Chromium on the profile on disk, the app open in it; records page and console errors. */
async function launch() {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  launched.push(context);
  context.setDefaultTimeout(TIMEOUT);
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/favicon\.ico/.test(message.location()?.url || '')) {
      errors.push(`console.error: ${message.text()}`);
    }
  });
  await page.goto(server.url);
  await waitForList(page);
  return { context, page, errors };
}

/** Is the profile held by a running Chromium? (Chromium keeps a SingletonLock link while it runs.) */
const profileInUse = () => {
  try {
    lstatSync(path.join(profile, 'SingletonLock'));
    return true;
  } catch {
    return false;
  }
};

/** The stored books as the test compares them: every field the person can see or set, by id. */
const comparable = (records) => records
  .map(({ id, uid, title, author, genre, isbn, year, stars, status, added }) => ({ id, uid, title, author, genre, isbn, year, stars, status, added }))
  .sort((a, b) => a.id - b.id);

test('books survive closing Chromium completely and starting it again on the same profile', { timeout: 120_000 }, async () => {
  const first = await launch();
  const { page } = first;
  assert.ok(profileInUse(), 'Chromium holds the profile while it runs');

  // What the person does, and (in `expected`) what the catalogue must then hold.
  const csv = 'title,author,genre,year\nImported One,Ann Author,Poetry,1999\nImported Two,Ben Author,Drama,2001\n'
    + 'Imported Three,Cy Author,Essays,\nImported Four,Di Author,Poetry,1850\n';
  await page.getByLabel('Import', { exact: true }).setInputFiles({ name: 'start.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Import 4 books', exact: true }).click();
  await expectCount(page, '4 books');
  await addBook(page, { title: 'Added Fifth', author: 'Eve Author', genre: 'Memoir' });
  await addBook(page, { title: 'Added Sixth', author: 'Flo Author', genre: '' });

  // An edit: a new title and genre, and a rating from the dialog's details.
  await page.getByRole('button', { name: 'Edit Imported Two', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await field(dialog, 'Title').fill('Edited Two');
  await field(dialog, 'Genre').fill('Tragedy');
  await field(dialog, 'Rating').fill('4');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await rowFor(page, 'Edited Two').waitFor();

  // A delete that stays, and one undone.
  await page.getByRole('button', { name: 'Delete Imported Three', exact: true }).click();
  await expectCount(page, '5 books');
  await page.getByRole('button', { name: 'Delete Added Sixth', exact: true }).click();
  await expectCount(page, '4 books');
  await page.locator('.notices .notice').filter({ hasText: 'Deleted “Added Sixth”' })
    .getByRole('button', { name: 'Undo', exact: true }).click();
  await expectCount(page, '5 books');

  const expected = [
    [1, 'Imported One', 'Ann Author', 'Poetry'],
    [2, 'Edited Two', 'Ben Author', 'Tragedy'],
    [4, 'Imported Four', 'Di Author', 'Poetry'],
    [5, 'Added Fifth', 'Eve Author', 'Memoir'],
    [6, 'Added Sixth', 'Flo Author', ''],
  ];
  const shown = async (p) => (await readTable(p)).map((row) => [Number(row.ID), row.Title, row.Author, row.Genre]);
  await waitFor(async () => assert.deepEqual(await shown(page), expected));
  const storedBefore = comparable(await storedRecords(page));
  assert.deepEqual(storedBefore.map((book) => [book.id, book.title, book.author, book.genre]), expected);
  assert.equal(storedBefore.find((book) => book.id === 1).year, 1999);
  assert.equal(storedBefore.find((book) => book.id === 2).stars, 4);

  // Close Chromium: the whole browser, not a tab or a context.
  const browserProcess = first.context.browser();
  await first.context.close();
  assert.equal(browserProcess?.isConnected() ?? false, false, 'the browser is gone');
  await waitFor(() => assert.ok(!profileInUse(), 'Chromium let go of the profile'), { timeout: 10_000 });
  assert.deepEqual(first.errors, []);

  // Start it again on the same profile, the same origin.
  const second = await launch();
  await expectCount(second.page, '5 books');
  await waitFor(async () => assert.deepEqual(await shown(second.page), expected));
  assert.deepEqual(comparable(await storedRecords(second.page)), storedBefore, 'the store holds exactly what it held');

  // And it goes on working where it left off: the next book gets the next id, never a used one.
  await addBook(second.page, { title: 'After Restart', author: 'Gus Author', genre: '' });
  assert.equal((await readTable(second.page)).find((row) => row.Title === 'After Restart')?.ID, '7');
  assert.equal(await field(addForm(second.page), 'Title').inputValue(), '');
  assert.deepEqual(second.errors, []);
  await second.context.close();
  assert.ok(existsSync(profile), 'the profile is removed after the file, not before');
});
