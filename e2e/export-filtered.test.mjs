// Export while a search or a genre filter is on writes just the books it finds (README, "Import and
// export"): Export CSV and Export JSON with a search on, with a genre filter on, and with both, each
// file compared with the matches the test works out on its own from the books it imported —
// search ignoring case and accents anywhere in title, author or genre; the genre filter one genre,
// however it was capitalised or accented. And with neither, every book.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useApp, bookCount, expectCount, parseCsv, storedRecords, waitFor } from './helpers.mjs';

const appTest = useApp();

/** Folded as the README says search works: case and accents ignored, spaces collapsed. */
const fold = (text) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

// The catalogue: 60 books whose titles, authors and genres near-miss each other — "Émile" and
// "EMILIA" match "émil", "Camille", "Smile" and "The Emigrants" do not; "Poésie", "poesie" and
// "POÉSIE" are one genre, "Poetry" another; a title with a comma and quotes for the CSV.
const TITLES = ['Émile', 'emile and the detectives', 'EMILIA Galotti', 'Camille', 'The Emigrants', 'Smile, "Please"', 'Ordinary Days'];
const AUTHORS = ['Rémi Brague', 'Émile Zola', 'Jane Émilie', 'Anne Carson', 'W. G. Sebald'];
const GENRES = ['Poésie', 'poesie', 'POÉSIE', 'Poetry', 'Drama', ''];
const BOOKS = Array.from({ length: 60 }, (_, i) => ({
  id: i + 1,
  title: `${TITLES[i % TITLES.length]} ${i + 1}`,
  author: AUTHORS[i % AUTHORS.length],
  genre: GENRES[i % GENRES.length],
}));

/** The books a search for `text` and a genre `genre` (or none) find, by id. */
function expectedMatches({ text = '', genre = null }) {
  const wanted = fold(text);
  return BOOKS.filter((book) => (
    [book.title, book.author, book.genre].some((field) => fold(field).includes(wanted))
    && (genre === null || fold(book.genre) === fold(genre))
  )).map((book) => book.id);
}


/** Clicks an Export button; returns the books of the downloaded file as { id, title, author, genre, uid }. */
async function exportBooks(page, format) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: `Export ${format}`, exact: true }).click(),
  ]);
  const text = readFileSync(await download.path(), 'utf8');
  if (format === 'JSON') {
    return JSON.parse(text).map(({ id, title, author, genre, uid }) => ({ id, title, author, genre, uid }));
  }
  const [header, ...rows] = parseCsv(text);
  assert.deepEqual(header.slice(0, 9), ['id', 'title', 'author', 'genre', 'isbn', 'year', 'rating', 'status', 'uid']);
  return rows.map((cells) => {
    const row = Object.fromEntries(header.map((name, i) => [name, cells[i]]));
    return { id: Number(row.id), title: row.title, author: row.author, genre: row.genre, uid: row.uid };
  });
}

appTest('Export CSV and JSON with a search, a genre filter, or both on write exactly the books found', async ({ page }) => {
  const file = JSON.stringify(BOOKS);
  await page.getByLabel('Import', { exact: true }).setInputFiles({ name: 'catalogue.json', mimeType: 'application/json', buffer: Buffer.from(file) });
  await page.getByRole('button', { name: `Import ${BOOKS.length} books`, exact: true }).click();
  await expectCount(page, `${BOOKS.length} books`);
  // Each book as the file should hold it: as imported, with the uid the store gave it.
  const uids = new Map((await storedRecords(page)).map((record) => [record.id, record.uid]));
  const asExported = (ids) => ids.map((id) => {
    const { title, author, genre } = BOOKS[id - 1];
    return { id, title, author, genre, uid: uids.get(id) };
  });
  const byId = (books) => [...books].sort((a, b) => a.id - b.id);

  const search = page.getByRole('searchbox', { name: 'Search' });
  const genre = page.getByLabel('Filter by genre');
  const cases = [
    { name: 'a search', text: 'ÉMIL', genre: null },
    { name: 'a genre filter', text: '', genre: 'Poésie' },
    { name: 'a search and a genre filter', text: 'émil', genre: 'poesie' },
    { name: 'no search or filter', text: '', genre: null },
  ];
  for (const wanted of cases) {
    await search.fill(wanted.text);
    await waitFor(async () => assert.ok((await genre.locator('option').count()) > 1, 'genres listed'));
    await genre.selectOption(wanted.genre === null ? '' : fold(wanted.genre));
    const ids = expectedMatches(wanted);
    // Not trivial: some books are found and some are not (except with nothing on).
    assert.ok(ids.length > 0, `${wanted.name} finds some books`);
    if (wanted.text || wanted.genre) assert.ok(ids.length < BOOKS.length, `${wanted.name} leaves some out`);
    // The search applies after a pause in typing: wait until the count says it is on.
    const count = ids.length === BOOKS.length ? `${BOOKS.length} books` : `${ids.length} of ${BOOKS.length} books`;
    await waitFor(async () => assert.equal((await bookCount(page).textContent()).trim(), count));
    for (const format of ['CSV', 'JSON']) {
      const exported = await exportBooks(page, format);
      assert.equal(new Set(exported.map((book) => book.id)).size, exported.length, `${format} with ${wanted.name}: no book twice`);
      assert.deepEqual(byId(exported), asExported(ids), `${format} with ${wanted.name}: exactly the books found`);
    }
  }
});
