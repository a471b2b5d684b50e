// Import and export: a real Goodreads library through the Import control, files that are wrong
// in part or whole (a preview, and nothing written until confirmed), and Export JSON then Import
// into an empty catalogue giving back the same catalogue (ids, every field, unicode).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  useApp, openApp, REPO_ROOT, addBook, bookRows, emptyState, expectCount, readTable, rowFor,
  staysTrue, waitFor,
} from './helpers.mjs';

const appTest = useApp();

const GOODREADS = path.join(REPO_ROOT, 'tests/data/goodreads_library_export.csv');
const GOODREADS_ROWS = 232;

const importControl = (page) => page.getByLabel('Import', { exact: true });
const preview = (page) => page.getByRole('group', { name: /^Import preview/ });
const importButton = (page) => page.getByRole('button', { name: /^Import \d+ books?$/ });
const CSV_HEADER = 'id,title,author,genre,isbn,year,rating,status,uid,tags,series,series_number,pages,publisher,format,added,copies,location,readings,loans,note';
const searchBox = (page) => page.getByRole('searchbox', { name: 'Search' });

/** Chooses a file (a path, or { name, text }) in the Import control and waits for the preview. */
async function choose(page, file) {
  const files = typeof file === 'string'
    ? file
    : { name: file.name, mimeType: 'text/plain', buffer: Buffer.from(file.text) };
  await importControl(page).setInputFiles(files);
}

/** Searches the catalogue and waits until the row titled `title` is listed. */
async function find(page, text, title) {
  await searchBox(page).fill(text);
  await rowFor(page, title).waitFor({ state: 'visible' });
}

/** Reads a book's page: its fields by their labels. */
async function bookPage(page, go, id) {
  await go(`#/books/${id}`);
  await page.locator('dl.book-fields').waitFor({ state: 'visible' });
  return page.locator('dl.book-fields').evaluate((dl) => {
    const fields = {};
    for (const dt of dl.querySelectorAll('dt')) fields[dt.textContent.trim()] = dt.nextElementSibling.textContent.trim();
    return fields;
  });
}

/** Clicks an Export button and returns the downloaded file's name and text. */
async function exportFile(page, name) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  const text = readFileSync(await download.path(), 'utf8');
  return { name: download.suggestedFilename(), text };
}

appTest('a real Goodreads library is previewed, imported, found and shown', async ({ page, go }) => {
  await choose(page, GOODREADS);
  await preview(page).waitFor({ state: 'visible', timeout: 30_000 });
  const summary = await preview(page).textContent();
  assert.match(summary, /Goodreads library export/);
  assert.match(summary, new RegExp(`${GOODREADS_ROWS} books will be added`));
  assert.doesNotMatch(summary, /refused/, 'no line of a real export is refused');
  assert.equal(await importButton(page).textContent(), `Import ${GOODREADS_ROWS} books`);
  await importButton(page).click();
  await expectCount(page, `${GOODREADS_ROWS} books`);

  // Non-Latin names, quoted commas, entities: found by search, shown as written.
  await find(page, 'pääbo', 'Neanderthal Man: In Search of Lost Genomes');
  await find(page, 'Black Holes', "Black Holes & Time Warps: Einstein's Outrageous Legacy");
  await find(page, 'essential turing', 'The Essential Turing: Seminal Writings in Computing, Logic, Philosophy, Artificial Intelligence, and Artificial Life Plus the Secrets of Eni');
  await find(page, 'blind watchmaker', 'The Blind Watchmaker: Why the Evidence of Evolution Reveals a Universe Without Design');
  const [row] = await readTable(page);
  const fields = await bookPage(page, go, row.ID);
  assert.deepEqual(
    [fields.Author, fields.ISBN, fields.Year, fields.Rating, fields.Status],
    ['Richard Dawkins', '9780141026169', '1986', '2 of 5', 'Read'],
  );

  // The same file again: every book looks like one already there, and is skipped by default.
  await go('#/');
  // The search box comes back empty while the search is still applied: type to reset it.
  await searchBox(page).fill('x');
  await searchBox(page).fill('');
  await expectCount(page, `${GOODREADS_ROWS} books`);
  await choose(page, GOODREADS);
  await preview(page).waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await preview(page).textContent(), new RegExp(`${GOODREADS_ROWS} books look like books you already have`));
  assert.equal(await importButton(page).textContent(), 'Import 0 books');
  assert.ok(await importButton(page).isDisabled(), 'nothing to import');
  await page.getByRole('checkbox', { name: 'Import them too' }).check();
  await waitFor(async () => assert.equal(await importButton(page).textContent(), `Import ${GOODREADS_ROWS} books`));
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await preview(page).waitFor({ state: 'hidden' });
  await expectCount(page, `${GOODREADS_ROWS} books`);
});

appTest('a file with a bad line is previewed, and nothing changes until it is confirmed', async ({ page, reload }) => {
  const text = 'title,author,isbn,year\nGood Book,Someone,0-14-102616-2,1986\nBad Book,Someone Else,9780141026160,\n';
  await choose(page, { name: 'books.csv', text });
  await preview(page).waitFor({ state: 'visible' });
  const summary = await preview(page).textContent();
  assert.match(summary, /1 line refused/);
  assert.match(summary, /Line 3, column “isbn”: ISBN is not valid: the check digit is 0 but the other digits call for 9/);
  assert.equal(await importButton(page).textContent(), 'Import 1 book');
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await preview(page).waitFor({ state: 'hidden' });
  await staysTrue(async () => (await emptyState(page).count()) === 1, { message: 'still empty after Cancel' });
  await reload();
  await emptyState(page).waitFor({ state: 'visible' });

  // Confirmed, only the good line is written.
  await choose(page, { name: 'books.csv', text });
  await importButton(page).click();
  await expectCount(page, '1 book');
  assert.deepEqual((await readTable(page)).map((r) => r.Title), ['Good Book']);
});

appTest('files that are not what they claim are refused whole with a clear message', async ({ page }) => {
  await addBook(page, { title: 'Kept', author: 'Me', genre: '' });
  const alert = page.locator('.transfer').getByRole('alert');
  const refused = [
    [{ name: 'broken.csv', text: 'title,author\nA,B\n"C,D\nE,F\n' }, /Broken CSV quoting \(line 3, column 1\)/],
    [{ name: 'columns.csv', text: 'name,writer\nDune,Herbert\n' }, /no Title or Author column/],
    [{ name: 'broken.json', text: '[{"title": "A", "author": "B"},\n{"title" "C"}]' }, /The JSON is broken \(line 2/],
    [{ name: 'empty.json', text: '' }, /The file is empty/],
    [{ name: 'latin1.csv', text: 'title,author\nCaf\u00e9,Moi\n' }, null],
  ];
  for (const [file, pattern] of refused) {
    if (pattern === null) {
      // Latin-1 bytes: é as the single byte 0xE9, which is not UTF-8.
      await importControl(page).setInputFiles({ name: file.name, mimeType: 'text/csv', buffer: Buffer.from(file.text, 'latin1') });
      await waitFor(async () => assert.match(await alert.textContent(), /not UTF-8 text \(line 2, column 4\)/));
    } else {
      await choose(page, file);
      await waitFor(async () => assert.match(await alert.textContent(), pattern), { message: file.name });
    }
    assert.match(await alert.textContent(), /Nothing was imported\.$/);
    assert.equal(await preview(page).count(), 0, 'no preview');
  }
  await expectCount(page, '1 book');
  assert.equal(await bookRows(page).count(), 1);
});

appTest('Export JSON, then Import into an empty catalogue, gives the same catalogue', async (app) => {
  const { page, go } = app;
  const books = [
    { title: 'The Hobbit', author: 'J,R,R Tolkien', genre: 'Fantasy' },
    { title: 'Deleted Later', author: 'Nobody', genre: '' },
    { title: 'שלום "עולם", <b>x</b>', author: 'Émile Zola 📚', genre: 'Ünïcødé, Südamerika' },
    { title: '村上春樹', author: 'Лев Толстой', genre: '' },
  ];
  for (const book of books) await addBook(page, book);
  await page.getByRole('button', { name: 'Delete Deleted Later', exact: true }).click();
  await rowFor(page, 'Deleted Later').waitFor({ state: 'detached' });

  // Every new field, set through the edit dialog.
  await page.getByRole('button', { name: 'Edit The Hobbit', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('ISBN', { exact: true }).fill('0-261-10221-4');
  await dialog.getByLabel('Year', { exact: true }).fill('1937');
  await dialog.getByLabel('Rating', { exact: true }).fill('5');
  await dialog.getByLabel('Status', { exact: true }).selectOption({ label: 'Read' });
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.deepEqual(
    Object.values(await bookPage(page, go, 1)).slice(4),
    ['9780261102217', '1937', 'Read', '5 of 5'],
  );
  await go('#/');
  await expectCount(page, '3 books');

  const exported = await exportFile(page, 'Export JSON');
  assert.match(exported.name, /^bookshelf-\d{4}-\d{2}-\d{2}\.json$/);
  const stored = JSON.parse(exported.text);
  assert.deepEqual(stored.map((b) => b.id), [1, 3, 4]);
  const { uid, added, ...hobbit } = stored[0];
  assert.deepEqual(hobbit, {
    id: 1, title: 'The Hobbit', author: 'J,R,R Tolkien', genre: 'Fantasy',
    isbn: '9780261102217', year: 1937, rating: 5, status: 'read',
  });
  // The day it was added through the form.
  assert.match(added, /^\d{4}-\d{2}-\d{2}$/);
  // Every book has a uid of its own (a random UUID), which the round trip below keeps.
  assert.match(uid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(stored.map((b) => b.uid)).size, 3);
  assert.equal(stored[1].title, books[2].title);

  const csv = await exportFile(page, 'Export CSV');
  assert.match(csv.name, /\.csv$/);
  const lines = csv.text.split('\r\n');
  assert.equal(lines[0], CSV_HEADER);
  assert.equal(lines[1], `1,The Hobbit,"J,R,R Tolkien",Fantasy,9780261102217,1937,5,read,${uid},,,,,,,${added},,,,,`);

  // A fresh browser context: an empty catalogue.
  const fresh = await openApp(page.context().browser(), app.baseUrl);
  try {
    await emptyState(fresh.page).waitFor({ state: 'visible' });
    await choose(fresh.page, { name: exported.name, text: exported.text });
    await preview(fresh.page).waitFor({ state: 'visible' });
    assert.match(await preview(fresh.page).textContent(), /Bookshelf JSON/);
    await importButton(fresh.page).click();
    await expectCount(fresh.page, '3 books');
    const again = await exportFile(fresh.page, 'Export JSON');
    assert.equal(again.text, exported.text, 'the same catalogue: ids, uids, every field, unicode');
    assert.deepEqual(await readTable(fresh.page), await readTable(page));
    fresh.assertClean();
  } finally {
    await fresh.close();
  }
});

appTest('Export CSV writes formulas as text, and imports them back exactly', async (app) => {
  const { page } = app;
  const books = [
    { title: '=HYPERLINK("http://example.com","click")', author: 'Mallory', genre: '' },
    { title: '@SUM(1+1)', author: '+Plus', genre: '-Minus' },
    { title: '-5 ways', author: "'=Already quoted", genre: 'Plain' },
  ];
  for (const book of books) await addBook(page, book);
  await expectCount(page, '3 books');

  const csv = await exportFile(page, 'Export CSV');
  const lines = csv.text.split('\r\n');
  assert.equal(lines[0], CSV_HEADER);
  // A spreadsheet runs a cell that starts with = + - @ (or a tab or CR): each such text cell is
  // written behind a single quote, and quoted (OWASP's advice); a quote already there gets one more.
  // (Each line ends with the book's uid, a random UUID, then the reader's columns, all empty but
  // the day it was added.)
  const uid = /,[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12},,,,,,,\d{4}-\d{2}-\d{2},,,,,$/;
  for (const line of lines.slice(1, 4)) assert.match(line, uid);
  assert.deepEqual(lines.slice(1, 4).map((line) => line.replace(uid, '')), [
    '1,"\'=HYPERLINK(""http://example.com"",""click"")",Mallory,,,,,',
    '2,"\'@SUM(1+1)","\'+Plus","\'-Minus",,,,',
    '3,"\'-5 ways","\'\'=Already quoted",Plain,,,,',
  ]);

  // Into an empty catalogue: the same text, exactly.
  const fresh = await openApp(page.context().browser(), app.baseUrl);
  try {
    await emptyState(fresh.page).waitFor({ state: 'visible' });
    await choose(fresh.page, { name: csv.name, text: csv.text });
    await preview(fresh.page).waitFor({ state: 'visible' });
    assert.match(await preview(fresh.page).textContent(), /3 books will be added/);
    await importButton(fresh.page).click();
    await expectCount(fresh.page, '3 books');
    const rows = await readTable(fresh.page);
    const byId = Object.fromEntries(rows.map((row) => [row.ID, [row.Title, row.Author, row.Genre]]));
    assert.deepEqual(byId, {
      1: [books[0].title, books[0].author, ''],
      2: [books[1].title, books[1].author, books[1].genre],
      3: [books[2].title, books[2].author, books[2].genre],
    });
    const again = await exportFile(fresh.page, 'Export CSV');
    assert.equal(again.text, csv.text, 'the same file back');
    fresh.assertClean();
  } finally {
    await fresh.close();
  }
});
