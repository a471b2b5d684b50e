// A reader's catalogue (issue 15), driven by the labels the interface promises: every field of the
// Edit dialog and the book's page, each validation message with nothing written, lending and
// "Returned" across two tabs, the filters together with "N of M books", a column choice that
// survives a reload, sorting by a new column, and Goodreads in and out.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  useApp, useBrowserAndServer, waitFor, addBook, expectCount, expectFieldError, field, openEditDialog,
  readTable, storedRecords, waitForList, parseCsv, REPO_ROOT, TIMEOUT,
} from './helpers.mjs';

const appTest = useApp();
const shared = useBrowserAndServer();

/** Today and a day `days` from it, as the page's own calendar has them (YYYY-MM-DD). */
const dayFromToday = (page, days) => page.evaluate((n) => {
  const d = new Date();
  d.setDate(d.getDate() + n);
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}, days);

/** The stored record of the book titled `title`. */
async function recordOf(page, title) {
  const records = await storedRecords(page);
  return records.find((record) => record.title === title);
}

appTest('every field of the Edit dialog is saved, shown on the book page and in the columns', async ({ page, go, reload }) => {
  await addBook(page, { title: 'Iron Widow', author: 'Xiran Jay Zhao', genre: 'Fantasy' });
  const dialog = await openEditDialog(page, 'Iron Widow');
  await field(dialog, 'Status').selectOption({ label: 'Did not finish' });
  await field(dialog, 'Rating').fill('4.25');
  await field(dialog, 'Started').fill('2026-03-01');
  await field(dialog, 'Finished').fill('2026-03-20');
  await field(dialog, 'Tags').fill('sci-fi, owned, Sci-Fi');
  await field(dialog, 'Series').fill('Iron Widow');
  await field(dialog, 'Number in series').fill('2.5');
  await field(dialog, 'Pages').fill('394');
  await field(dialog, 'Format').selectOption({ label: 'Hardcover' });
  await field(dialog, 'Publisher').fill('Penguin Teen');
  await field(dialog, 'Copies').fill('2');
  await field(dialog, 'Location').fill('Study, shelf 3');
  await field(dialog, 'Note').fill('Line one, "quoted".\nLine two.');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });

  const stored = await waitFor(async () => {
    const record = await recordOf(page, 'Iron Widow');
    assert.equal(record.status, 'did-not-finish');
    return record;
  });
  assert.equal(stored.stars, 4.25);
  assert.deepEqual(stored.readings, [{ started: '2026-03-01', finished: '2026-03-20' }]);
  assert.deepEqual(stored.tags, ['sci-fi', 'owned'], 'a tag given twice is kept once');
  assert.deepEqual(stored.series, { name: 'Iron Widow', number: 2.5 });
  assert.equal(stored.pages, 394);
  assert.equal(stored.format, 'hardcover');
  assert.equal(stored.publisher, 'Penguin Teen');
  assert.equal(stored.copies, 2);
  assert.equal(stored.location, 'Study, shelf 3');
  assert.equal(stored.note, 'Line one, "quoted".\nLine two.');
  assert.match(stored.added, /^\d{4}-\d\d-\d\d$/, 'the day it was added');

  // The dialog opens again with every value.
  const again = await openEditDialog(page, 'Iron Widow');
  assert.equal(await field(again, 'Rating').inputValue(), '4.25');
  assert.equal(await field(again, 'Number in series').inputValue(), '2.5');
  assert.equal(await field(again, 'Finished').inputValue(), '2026-03-20');
  assert.equal(await field(again, 'Note').inputValue(), 'Line one, "quoted".\nLine two.');
  await again.getByRole('button', { name: 'Cancel', exact: true }).click();

  // The book's page lists them, and has the same fields to edit.
  await go('#/books/1');
  await page.getByRole('heading', { name: 'Iron Widow', level: 2 }).waitFor();
  const facts = page.locator('dl.book-fields');
  await waitFor(async () => {
    const text = await facts.textContent();
    for (const part of ['Did not finish', '4.25 of 5', 'Iron Widow, #2.5', 'sci-fi, owned', '394', 'Hardcover', 'Study, shelf 3']) {
      assert.ok(text.includes(part), `${part} in ${text}`);
    }
  });
  for (const label of ['Status', 'Rating', 'Tags', 'Series', 'Number in series', 'Pages', 'Format', 'Location', 'Note', 'Started', 'Finished']) {
    assert.equal(await field(page, label).count(), 1, `the book's page has a field labelled ${label}`);
  }
  await field(page, 'Location').fill('Living room');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await waitFor(async () => assert.equal((await recordOf(page, 'Iron Widow')).location, 'Living room'));

  // Columns: choose Status, Rating, Series and Pages; the choice is kept after a reload.
  await go('#/');
  await reload();
  await page.getByRole('button', { name: 'Columns', exact: true }).click();
  for (const label of ['Status', 'Rating', 'Series', 'Pages']) {
    await page.getByRole('checkbox', { name: label, exact: true }).check();
  }
  await page.getByRole('checkbox', { name: 'Genre', exact: true }).uncheck();
  await page.getByRole('button', { name: 'Done', exact: true }).click();
  const expected = {
    ID: '1', Title: 'Iron Widow', Author: 'Xiran Jay Zhao', Status: 'Did not finish', Rating: '4.25 ★',
    Series: 'Iron Widow #2.5', Pages: '394', Actions: 'EditDelete',
  };
  await waitFor(async () => assert.deepEqual(await readTable(page), [expected]));
  await reload();
  await waitFor(async () => assert.deepEqual(await readTable(page), [expected]), { message: 'the columns after a reload' });
});

appTest('wrong dates, a rating of 7 and a loan due in the past are refused with a message, nothing written', async ({ page, go }) => {
  await addBook(page, { title: 'Emma', author: 'Jane Austen', genre: '' });
  const before = await recordOf(page, 'Emma');
  const dialog = await openEditDialog(page, 'Emma');
  await field(dialog, 'Started').fill('2026-03-10');
  await field(dialog, 'Finished').fill('2026-03-01');
  await field(dialog, 'Rating').fill('7');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expectFieldError(field(dialog, 'Finished'), /Finished is before the day the reading started/);
  await expectFieldError(field(dialog, 'Rating'), /Rating must be from 0\.25 to 5 in quarter stars/);
  assert.ok(await dialog.isVisible(), 'the dialog stays open');
  await field(dialog, 'Rating').fill('3.3');
  await field(dialog, 'Finished').fill('2026-03-11');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expectFieldError(field(dialog, 'Rating'), /quarter stars, such as 4 or 3\.75/);
  await field(dialog, 'Pages').fill('-3');
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  assert.deepEqual(await recordOf(page, 'Emma'), before, 'nothing was written');

  await go('#/books/1');
  await page.getByRole('button', { name: 'Lend…', exact: true }).click();
  await field(page, 'Borrower').fill('Ada');
  await field(page, 'Due').fill(await dayFromToday(page, -1));
  await page.getByRole('button', { name: 'Lend', exact: true }).click();
  await expectFieldError(field(page, 'Due'), /Due is in the past: a loan must be due today or later/);
  await field(page, 'Borrower').fill('');
  await field(page, 'Due').fill(await dayFromToday(page, 3));
  await page.getByRole('button', { name: 'Lend', exact: true }).click();
  await expectFieldError(field(page, 'Borrower'), /Borrower is required/);
  assert.deepEqual(await recordOf(page, 'Emma'), before, 'no loan was written');
});

test('a copy lent in one tab shows as on loan in the other, which marks it returned', { timeout: 120_000 }, async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  const errors = [];
  const open = async (hash) => {
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(shared.server.url + hash);
    return page;
  };
  const first = await open('');
  await waitForList(first);
  await addBook(first, { title: 'Dune', author: 'Frank Herbert', genre: 'SF' });
  await first.goto(`${shared.server.url}#/books/1`);
  const second = await open('#/books/1');
  for (const page of [first, second]) await page.getByRole('heading', { name: 'Dune', level: 2 }).waitFor();

  await first.getByRole('button', { name: 'Lend…', exact: true }).click();
  await field(first, 'Borrower').fill('Ada Lovelace');
  const due = await field(first, 'Due').inputValue();
  assert.equal(due, await dayFromToday(first, 14), 'due in 14 days unless said');
  await first.getByRole('button', { name: 'Lend', exact: true }).click();
  await first.getByText('On loan to Ada Lovelace').waitFor();
  await waitFor(() => second.getByText('On loan to Ada Lovelace').count().then((n) => assert.equal(n, 1)),
    { timeout: 15_000, message: 'the other tab shows the loan' });

  // The other tab takes it back; the first tab sees it.
  await second.getByRole('button', { name: 'Returned', exact: true }).click();
  await waitFor(() => first.getByText('On loan to Ada Lovelace').count().then((n) => assert.equal(n, 0)),
    { timeout: 15_000, message: 'the first tab sees it returned' });
  const [record] = await storedRecords(first);
  assert.equal(record.loans.length, 1, 'the loan is kept as history');
  assert.equal(record.loans[0].borrower, 'Ada Lovelace');
  assert.match(record.loans[0].returned, /^\d{4}-\d\d-\d\d$/);

  // Mark as read: a finished reading today, status Read.
  await first.getByRole('button', { name: 'Mark as read', exact: true }).click();
  await waitFor(async () => {
    const [read] = await storedRecords(first);
    assert.equal(read.status, 'read');
    assert.equal(read.readings.at(-1).finished, await dayFromToday(first, 0));
  });
  assert.deepEqual(errors, []);
  await context.close();
});

appTest('the filters narrow together, the count says N of M, and a new column sorts', async ({ page }) => {
  // Three books set up through the Edit dialog.
  const books = [
    { title: 'Alpha', status: 'Read', format: 'Ebook', tags: 'owned, poetry', series: 'Greek', pages: '300' },
    { title: 'Beta', status: 'Read', format: 'Hardcover', tags: 'owned', series: 'Greek', pages: '120' },
    { title: 'Gamma', status: 'Want to read', format: 'Hardcover', tags: 'poetry', series: '', pages: '' },
  ];
  for (const book of books) {
    await addBook(page, { title: book.title, author: 'Someone', genre: '' });
    const dialog = await openEditDialog(page, book.title);
    await field(dialog, 'Status').selectOption({ label: book.status });
    await field(dialog, 'Format').selectOption({ label: book.format });
    await field(dialog, 'Tags').fill(book.tags);
    await field(dialog, 'Series').fill(book.series);
    await field(dialog, 'Pages').fill(book.pages);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
  }
  const titles = async () => (await readTable(page)).map((row) => row.Title);
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Read' });
  await expectCount(page, '2 of 3 books');
  await page.getByLabel('Format', { exact: true }).selectOption({ label: 'Hardcover' });
  await expectCount(page, '1 of 3 books');
  await waitFor(async () => assert.deepEqual(await titles(), ['Beta']));
  await page.getByLabel('Format', { exact: true }).selectOption({ label: 'Any format' });
  await page.getByLabel('Tag', { exact: true }).selectOption({ label: 'poetry' });
  await expectCount(page, '1 of 3 books');
  await waitFor(async () => assert.deepEqual(await titles(), ['Alpha']));
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Any status' });
  await page.getByLabel('Series', { exact: true }).selectOption({ label: 'Greek' });
  await expectCount(page, '1 of 3 books');
  await page.getByLabel('Tag', { exact: true }).selectOption({ label: 'Any tag' });
  await expectCount(page, '2 of 3 books');

  // On loan: none yet; lend Beta from its page, then only Beta, with who has it.
  await page.getByLabel('On loan', { exact: true }).check();
  await waitFor(() => page.getByText('No books match').count().then((n) => assert.equal(n, 1)));
  await page.getByLabel('On loan', { exact: true }).uncheck();
  await page.getByLabel('Series', { exact: true }).selectOption({ label: 'Any series' });
  await expectCount(page, '3 books');
  await page.getByRole('link', { name: 'Beta', exact: true }).click();
  await page.getByRole('button', { name: 'Lend…', exact: true }).click();
  await field(page, 'Borrower').fill('Ada');
  await page.getByRole('button', { name: 'Lend', exact: true }).click();
  await page.getByText('On loan to Ada').waitFor();
  await page.getByRole('link', { name: 'All books' }).click();
  await page.getByLabel('On loan', { exact: true }).check();
  await expectCount(page, '1 of 3 books');
  const due = await dayFromToday(page, 14);
  await waitFor(async () => assert.deepEqual(
    (await readTable(page)).map((row) => [row.Title, row['On loan']]),
    [['Beta', `Ada (due ${due})`]],
  ), { message: 'the list of what is out, and to whom' });
  await page.getByLabel('On loan', { exact: true }).uncheck();
  await expectCount(page, '3 books');

  // Sorting by Pages (a column chosen): unknown first, then by number.
  await page.getByRole('button', { name: 'Columns', exact: true }).click();
  await page.getByRole('checkbox', { name: 'Pages', exact: true }).check();
  await page.getByRole('button', { name: 'Done', exact: true }).click();
  await page.getByRole('button', { name: 'Pages', exact: true }).click();
  await waitFor(async () => assert.deepEqual(await titles(), ['Gamma', 'Beta', 'Alpha']));
  await page.getByRole('button', { name: 'Pages', exact: true }).click();
  await waitFor(async () => assert.deepEqual(await titles(), ['Alpha', 'Beta', 'Gamma']));
  // Search finds a tag.
  await page.getByRole('searchbox', { name: 'Search' }).fill('poetry');
  await expectCount(page, '2 of 3 books');
});


appTest('a Goodreads export with every column fills every field, and Export for Goodreads writes its layout', async ({ page, go }) => {
  await page.getByLabel('Import', { exact: true }).setInputFiles(path.join(REPO_ROOT, 'tests/data/goodreads_every_column.csv'));
  const preview = page.getByRole('group', { name: /^Import preview/ });
  await preview.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await preview.textContent(), /5 books will be added/);
  await page.getByRole('button', { name: 'Import 5 books', exact: true }).click();
  await expectCount(page, '5 books');

  /** The book page's terms and values, for the book titled `title`. */
  const facts = async (title) => {
    const [row] = (await readTable(page)).filter((r) => r.Title === title);
    assert.ok(row, `a row titled ${title}`);
    await go(`#/books/${row.ID}`);
    await page.getByRole('heading', { name: title, level: 2, exact: true }).waitFor();
    const fields = await page.locator('dl.book-fields').evaluate((dl) => Object.fromEntries(
      [...dl.querySelectorAll('dt')].map((dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()]),
    ));
    await go('#/');
    await expectCount(page, '5 books');
    return fields;
  };
  const iron = await facts('Iron Widow');
  assert.equal(iron.Status, 'Read');
  assert.equal(iron.Rating, '5 of 5');
  assert.equal(iron.Series, 'Iron Widow, #1', 'the series from the title');
  assert.equal(iron.Tags, 'favourites, sci-fi');
  assert.equal(iron.Pages, '394');
  assert.equal(iron.Format, 'Hardcover');
  assert.equal(iron.Publisher, 'Penguin Teen');
  assert.equal(iron.Copies, '1');
  assert.match(iron.Read, /2024-03-01/);
  assert.match(iron.Note, /^Signed copy\.\s+Bought at the con, "wow" & more\.$/);
  const edge = await facts('Edgedancer');
  assert.deepEqual([edge.Status, edge.Series, edge.Format, edge.Pages], ['Reading', 'The Stormlight Archive, #2.5', 'Audiobook', '272']);
  const silmarillion = await facts('The Silmarillion');
  assert.equal(silmarillion.Status, 'Did not finish', 'a "dnf" shelf');
  assert.equal(silmarillion.Format, 'Ebook');

  // Dune was read 3 times, the last on its Date Read: an edit of another field keeps all three.
  const readingsOf = async (title) => (await storedRecords(page)).find((r) => r.title === title).readings;
  assert.deepEqual(await readingsOf('Dune'), [{}, {}, { finished: '2019-05-04' }]);
  const dialog = await openEditDialog(page, 'Dune');
  assert.equal(await field(dialog, 'Finished').inputValue(), '2019-05-04');
  await field(dialog, 'Location').fill('Hall');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await waitFor(async () => assert.equal((await storedRecords(page)).find((r) => r.title === 'Dune').location, 'Hall'));
  assert.deepEqual(await readingsOf('Dune'), [{}, {}, { finished: '2019-05-04' }], 'every reading kept');
  // Edgedancer is being read (Read Count 1, no dates): its undated reading survives a save too.
  const edgeDialog = await openEditDialog(page, 'Edgedancer');
  await field(edgeDialog, 'Location').fill('Bag');
  await edgeDialog.getByRole('button', { name: 'Save', exact: true }).click();
  await edgeDialog.waitFor({ state: 'hidden' });
  await waitFor(async () => assert.equal((await storedRecords(page)).find((r) => r.title === 'Edgedancer').location, 'Bag'));
  assert.deepEqual(await readingsOf('Edgedancer'), [{}]);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export for Goodreads', exact: true }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^bookshelf-goodreads-\d{4}-\d{2}-\d{2}\.csv$/);
  const [header, ...rows] = parseCsv(readFileSync(await download.path(), 'utf8')).filter((r) => r.length > 1);
  assert.equal(header.length, 31, 'Goodreads\' 31 columns');
  assert.deepEqual(header.slice(0, 3), ['Book Id', 'Title', 'Author']);
  const at = (row, name) => row[header.indexOf(name)];
  const ironRow = rows.find((row) => at(row, 'Title').startsWith('Iron Widow'));
  assert.equal(at(ironRow, 'Title'), 'Iron Widow (Iron Widow, #1)');
  assert.equal(at(ironRow, 'My Rating'), '5');
  assert.equal(at(ironRow, 'Exclusive Shelf'), 'read');
  assert.equal(at(ironRow, 'Date Read'), '2024/03/01');
  assert.equal(at(ironRow, 'Number of Pages'), '394');
  assert.match(at(ironRow, 'Bookshelves'), /favourites/);
  assert.equal(rows.length, 5);
});

test('a catalogue that version 3 stored opens upgraded: shelves are statuses, ratings quarter stars, new sorts work', { timeout: 120_000 }, async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // A blank page of the app's origin, to build the old database before the app ever runs there.
  const blank = new URL('seed-version-3', shared.server.url).href;
  await page.route(blank, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>seed</title>' }));
  await page.goto(blank);
  // Exactly what version 3 wrote (tests/common/old_versions.rs has the same, frozen).
  await page.evaluate(() => new Promise((resolve, reject) => {
    const records = [
      { id: 1, title: 'Dune', author: 'Frank Herbert', genre: 'Science Fiction', title_key: 'dune', author_key: 'frank herbert',
        genre_key: 'science fiction', isbn: '9780441013593', year: 1965, rating: 5, shelf: 'read' },
      { id: 2, title: 'Emma', author: 'Austen, Jane', genre: '', title_key: 'emma', author_key: 'austen, jane', genre_key: '' },
      { id: 4, title: 'Ångström', author: 'Anders Jonas Ångström', genre: 'Physics', title_key: 'angstrom',
        author_key: 'anders jonas angstrom', genre_key: 'physics', year: 1852, rating: 2, shelf: 'to-read' },
    ];
    const open = indexedDB.open('bookshelf', 3);
    open.onupgradeneeded = () => {
      const db = open.result;
      const books = db.createObjectStore('books', { keyPath: 'id', autoIncrement: true });
      books.createIndex('by_title', ['title_key', 'id']);
      books.createIndex('by_author', ['author_key', 'id']);
      books.createIndex('by_genre', ['genre_key', 'id']);
      books.createIndex('by_isbn', 'isbn');
      db.createObjectStore('search');
      db.createObjectStore('meta');
    };
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(['books', 'search', 'meta'], 'readwrite');
      let lines = '';
      for (const record of records) {
        tx.objectStore('books').put(record);
        lines += [record.id, record.title_key, record.author_key, record.genre_key, record.genre].join('\x1f') + '\n';
      }
      tx.objectStore('search').put(new TextEncoder().encode(lines), 0);
      tx.objectStore('meta').put(3, 'data_version');
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onabort = () => reject(tx.error);
    };
  }));

  await page.goto(shared.server.url);
  await waitForList(page);
  await expectCount(page, '3 books');
  const records = await storedRecords(page);
  assert.deepEqual(records.map((r) => [r.id, r.title, r.status ?? null, r.stars ?? null]), [
    [1, 'Dune', 'read', 5], [2, 'Emma', null, null], [4, 'Ångström', 'want-to-read', 2],
  ]);
  assert.ok(records.every((r) => r.uid && r.keys && !('shelf' in r) && !('rating' in r)), 'every record rewritten');
  // The status filter and the Rating sort run on the upgraded records.
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Read' });
  await expectCount(page, '1 of 3 books');
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Any status' });
  await page.getByRole('button', { name: 'Columns', exact: true }).click();
  await page.getByRole('checkbox', { name: 'Rating', exact: true }).check();
  await page.getByRole('button', { name: 'Done', exact: true }).click();
  await page.getByRole('button', { name: 'Rating', exact: true }).click();
  await waitFor(async () => assert.deepEqual((await readTable(page)).map((r) => r.Title), ['Emma', 'Ångström', 'Dune']));
  assert.deepEqual(errors, []);
  await context.close();
});
