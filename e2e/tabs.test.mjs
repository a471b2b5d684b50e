// Two tabs of one browser: a change in one shows in the other within a moment, keeping that tab's
// search; an edit of a book the other tab deleted is refused with a message, not resurrected.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowserAndServer, waitFor, addBook, expectCount, waitForList, rowFor, field, TIMEOUT } from './helpers.mjs';

const shared = useBrowserAndServer();

/**
 * How long the other tab may take to show a change ("within a moment"), generously: a tab in the
 * background gets few frames and late timers, more so on a busy machine.
 */
const OTHER_TAB_MS = 15_000;

/**
 * Waits until exactly `n` elements match `locator` (rows, an alert), polling from here: a
 * background tab's own waits would run on its rare animation frames.
 */
const shows = (locator, n, what) =>
  waitFor(async () => assert.equal(await locator.count(), n), { timeout: OTHER_TAB_MS, message: what });

async function tab(context, errors) {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(shared.server.url);
  await waitForList(page);
  return page;
}

/** A new browser context with two tabs of the app, and the errors either tab reports. */
async function twoTabs() {
  const context = await shared.browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  const errors = [];
  const first = await tab(context, errors);
  const second = await tab(context, errors);
  return { context, errors, first, second };
}

test('changes in one tab show in the other, and a deleted book is not resurrected', { timeout: 120_000 }, async () => {
  const { context, errors, first, second } = await twoTabs();

  await addBook(first, { title: 'Shared Shelf', author: 'Tab One', genre: 'Essays' });
  await shows(rowFor(second, 'Shared Shelf'), 1, 'the other tab shows the book added');
  await expectCount(second, '1 book');

  // The second tab searches; the first tab's additions arrive into that search.
  await second.getByRole('searchbox', { name: 'Search' }).fill('shelf');
  await expectCount(second, '1 of 1 book');
  await addBook(first, { title: 'Another Shelf', author: 'Tab One', genre: '' });
  await expectCount(second, '2 of 2 books');
  assert.equal(await second.getByRole('searchbox', { name: 'Search' }).inputValue(), 'shelf');

  // The first tab opens an edit; the second deletes that book; saving says it is gone.
  await first.getByRole('button', { name: 'Edit Shared Shelf' }).click();
  const dialog = first.getByRole('dialog');
  await field(dialog, 'Title').fill('Shared Shelf, revised');
  await second.getByRole('button', { name: 'Delete Shared Shelf' }).click();
  await shows(rowFor(first, 'Shared Shelf'), 0, 'the editing tab no longer lists the book deleted');
  assert.equal(await field(dialog, 'Title').inputValue(), 'Shared Shelf, revised', 'the edit in progress is kept');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await shows(first.getByRole('alert').filter({ hasText: 'not found' }), 1, 'saving says the book was not found');
  await expectCount(first, '1 book');
  await expectCount(second, '1 of 1 book');
  assert.deepEqual(errors, []);
  await context.close();
});

test('two tabs editing one book: the later save wins and both tabs show it', { timeout: 120_000 }, async () => {
  const { context, errors, first, second } = await twoTabs();
  await addBook(first, { title: 'Contested', author: 'Original Author', genre: 'Drama' });
  await shows(rowFor(second, 'Contested'), 1, 'the other tab shows the book added');

  // Both open the edit dialog on the same book.
  await first.getByRole('button', { name: 'Edit Contested' }).click();
  await second.getByRole('button', { name: 'Edit Contested' }).click();
  const firstDialog = first.getByRole('dialog');
  const secondDialog = second.getByRole('dialog');
  await field(firstDialog, 'Author').fill('Author From The First Tab');
  await field(firstDialog, 'Genre').fill('Comedy');
  await field(secondDialog, 'Author').fill('Author From The Second Tab');

  // The first saves; the second tab's list shows it while its own edit stays as typed.
  await firstDialog.getByRole('button', { name: 'Save' }).click();
  await shows(rowFor(second, 'Contested').filter({ hasText: 'Author From The First Tab' }), 1, 'the first save shows in the second tab');
  assert.equal(await field(secondDialog, 'Author').inputValue(), 'Author From The Second Tab');

  // The second saves later: its change wins; what it did not touch (the genre) keeps the first's.
  await secondDialog.getByRole('button', { name: 'Save' }).click();
  for (const page of [first, second]) {
    const merged = rowFor(page, 'Contested').filter({ hasText: 'Author From The Second Tab' }).filter({ hasText: 'Comedy' });
    await shows(merged, 1, 'both tabs show the later save, with the genre it did not touch');
  }
  await first.reload();
  await waitForList(first);
  await rowFor(first, 'Contested').filter({ hasText: 'Author From The Second Tab' }).filter({ hasText: 'Comedy' }).waitFor();
  await expectCount(first, '1 book');
  assert.deepEqual(errors, []);
  await context.close();
});
