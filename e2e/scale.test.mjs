// Sorting by column headers, search as you type, the genre filter, and the virtual table at size.

import assert from 'node:assert/strict';
import path from 'node:path';
import {
  useApp, readTable, expectCount, waitFor, bookRows, table, addBook, fillAndSubmit, field, addForm,
  storedRecords, ARTIFACTS,
} from './helpers.mjs';

const appTest = useApp();

const titles = async (page) => (await readTable(page)).map((row) => row.Title);
const header = (page, name) => page.getByRole('columnheader', { name, exact: true });
const sortButton = (page, name) => header(page, name).getByRole('button', { name, exact: true });

/**
 * Folds a text as the app's sort keys do (src/query.rs `fold`): accents dropped, lowercased,
 * spaces collapsed.
 */
const fold = (text) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
/** IndexedDB's order for strings: by UTF-16 code units, as JavaScript's `<` compares them. */
const byCodeUnits = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every book, sorted ascending by each column in the order of its IndexedDB index: the compound
 * key [folded field, id] (ID: the id alone). The keys are folded here, from the fields; each must
 * equal the key the app stored beside the book, which is what the index really sorts by.
 */
function sortedLists(records) {
  const books = records.map((record) => ({
    id: record.id, title: record.title, author: record.author, genre: record.genre,
    keys: { Title: fold(record.title), Author: fold(record.author), Genre: fold(record.genre) },
  }));
  for (const [book, record] of books.map((b, i) => [b, records[i]])) {
    assert.deepEqual(
      [record.title_key, record.author_key, record.genre_key],
      [book.keys.Title, book.keys.Author, book.keys.Genre],
      `the stored sort keys of book ${book.id} are its folded fields`,
    );
  }
  const lists = { ID: [...books].sort((a, b) => a.id - b.id) };
  for (const column of ['Title', 'Author', 'Genre']) {
    lists[column] = [...books].sort((a, b) => byCodeUnits(a.keys[column], b.keys[column]) || a.id - b.id);
  }
  return lists;
}

/** Clicks a column's sort button until its header says `direction` (ascending or descending). */
async function sortBy(page, column, direction) {
  for (let clicks = 0; (await header(page, column).getAttribute('aria-sort')) !== direction; clicks += 1) {
    assert.ok(clicks < 2, `${column} should sort ${direction} within two clicks`);
    const before = await header(page, column).getAttribute('aria-sort');
    await sortButton(page, column).click();
    await waitFor(async () => assert.notEqual(await header(page, column).getAttribute('aria-sort'), before));
  }
}

/** Scrolls the table to `fraction` of its height (0: the top, 1: the bottom) at once: a jump. */
const jumpTo = (region, fraction) => region.evaluate((element, at) => {
  element.scrollTop = at * (element.scrollHeight - element.clientHeight);
}, fraction);

/**
 * Waits until the rows in the table are loaded and are exactly those of `list` at their ranks
 * (aria-rowindex, 2 for the first book), and the place scrolled to (`fraction` of the list) is
 * among them.
 */
async function expectRowsAtRank(page, list, fraction, what) {
  const target = Math.round(fraction * (list.length - 1));
  await waitFor(async () => {
    const rows = await bookRows(page).evaluateAll((trs) => trs.map((tr) => ({
      rank: Number(tr.getAttribute('aria-rowindex')) - 2,
      cells: [...tr.cells].slice(0, 4).map((td) => td.textContent),
    })));
    assert.ok(rows.length > 5, `rows are shown (${rows.length})`);
    const ranks = rows.map((row) => row.rank);
    assert.ok(ranks[0] <= target && target <= ranks.at(-1), `rank ${target} is among the rows shown, ranks ${ranks[0]}–${ranks.at(-1)}`);
    assert.deepEqual(ranks, ranks.map((_, i) => ranks[0] + i), 'the rows shown are consecutive');
    assert.deepEqual(
      rows.map((row) => [row.rank, ...row.cells]),
      rows.map(({ rank }) => [rank, String(list[rank].id), list[rank].title, list[rank].author, list[rank].genre]),
      'each row shown is the book at its rank of the whole sorted list',
    );
  }, { timeout: 30_000, message: what });
}

appTest('column headers sort both ways and say so with aria-sort', async ({ page }) => {
  await page.getByRole('button', { name: 'Add sample books' }).click();
  await expectCount(page, '3 books');
  await addBook(page, { title: 'émile', author: 'Émile Zola', genre: 'Naturalism' });
  assert.equal(await header(page, 'ID').getAttribute('aria-sort'), 'ascending');

  await sortButton(page, 'Title').click();
  await waitFor(async () => assert.deepEqual(await titles(page), ['1987', 'émile', 'The Hobbit', 'To Kill a Mockingbird']));
  assert.equal(await header(page, 'Title').getAttribute('aria-sort'), 'ascending');
  assert.equal(await header(page, 'ID').getAttribute('aria-sort'), 'none');

  await sortButton(page, 'Title').click();
  await waitFor(async () => assert.deepEqual(await titles(page), ['To Kill a Mockingbird', 'The Hobbit', 'émile', '1987']));
  assert.equal(await header(page, 'Title').getAttribute('aria-sort'), 'descending');

  await sortButton(page, 'Author').click();
  await waitFor(async () => assert.deepEqual(
    (await readTable(page)).map((row) => row.Author),
    ['Émile Zola', 'George Orwell', 'Harper Lee', 'J,R,R Tolkien'],
  ));
});

appTest('search matches any part of title, author or genre, ignoring case and accents', async ({ page }) => {
  await page.getByRole('button', { name: 'Add sample books' }).click();
  await expectCount(page, '3 books');
  await addBook(page, { title: 'Thérèse Raquin', author: 'Émile Zola', genre: 'Naturalism' });
  const search = page.getByRole('searchbox', { name: 'Search' });

  await search.fill('TOLK');
  await expectCount(page, '1 of 4 books');
  await waitFor(async () => assert.deepEqual(await titles(page), ['The Hobbit']));

  await search.fill('emile');
  await expectCount(page, '1 of 4 books');
  await waitFor(async () => assert.deepEqual(await titles(page), ['Thérèse Raquin']));
  // A visit to the book's page and back keeps the search, in the box and in the table.
  await page.getByRole('link', { name: 'Thérèse Raquin' }).click();
  await page.getByRole('heading', { name: 'Thérèse Raquin' }).waitFor();
  await page.goBack();
  await expectCount(page, '1 of 4 books');
  assert.equal(await search.inputValue(), 'emile');

  await search.fill('gothic');
  await expectCount(page, '1 of 4 books');
  await waitFor(async () => assert.deepEqual(await titles(page), ['To Kill a Mockingbird']));

  await search.fill('no such book');
  await expectCount(page, '0 of 4 books');
  await page.getByText('No books match “no such book”.').waitFor();

  await search.fill('');
  await expectCount(page, '4 books');

  const genre = page.getByLabel('Filter by genre');
  await waitFor(async () => assert.ok((await genre.locator('option').count()) >= 5, 'genres listed'));
  await genre.selectOption({ label: 'Fantasy' });
  await expectCount(page, '1 of 4 books');
  await waitFor(async () => assert.deepEqual(await titles(page), ['The Hobbit']));
  await genre.selectOption({ label: 'All genres' });
  await expectCount(page, '4 books');

  // Shown afresh with a search that finds nothing (back from a book's page), the count is whole,
  // and follows new books.
  await search.fill('no such book');
  await expectCount(page, '0 of 4 books');
  await page.goto(`${page.url().split('#')[0]}#/books/1`);
  await page.getByRole('link', { name: 'All books' }).click();
  await expectCount(page, '0 of 4 books');
  await fillAndSubmit(page, { title: 'Found Later', author: 'Nobody' });
  await waitFor(async () => assert.equal(await field(addForm(page), 'Title').inputValue(), ''));
  await expectCount(page, '0 of 5 books');
});

appTest('thousands of books: a progress bar, few rows in the DOM, and every jump showing the rows at its rank', async ({ page }) => {
  await page.getByText('Developer tools').click();
  await page.getByLabel('Number of sample books').fill('20000');
  await page.getByRole('button', { name: 'Generate sample books' }).click();
  await page.getByRole('progressbar').waitFor({ state: 'attached', timeout: 20_000 });
  await expectCount(page, '20000 books').catch(async () => {
    await waitFor(async () => assert.equal((await page.locator('#book-count').textContent()).trim(), '20000 books'), { timeout: 60_000 });
  });

  assert.equal(await table(page).getAttribute('aria-rowcount'), '20001');
  const rendered = await bookRows(page).count();
  assert.ok(rendered > 0 && rendered <= 40, `only the rows on screen are in the DOM (found ${rendered})`);
  assert.equal((await readTable(page))[0].ID, '1');

  const region = page.getByRole('region', { name: 'Books, scrollable' });
  await region.evaluate((element) => { element.scrollTop = element.scrollHeight; });
  await waitFor(async () => {
    const rows = await readTable(page);
    assert.equal(rows.at(-1).ID, '20000', 'the last row is the last book');
    assert.ok(rows.every((row) => row.Title !== 'Loading…'), 'rows are loaded');
  });
  assert.ok((await bookRows(page).count()) <= 40);

  // A jump loads the right rows: for every sort, both ways, at the start, 25%, the middle, 75%
  // and the end, the rows shown are exactly those at that rank of the whole list, sorted here.
  const sorted = sortedLists(await storedRecords(page));
  for (const column of ['Title', 'Author', 'Genre', 'ID']) {
    for (const direction of ['ascending', 'descending']) {
      await sortBy(page, column, direction);
      const list = direction === 'ascending' ? sorted[column] : [...sorted[column]].reverse();
      for (const fraction of [0.25, 0.5, 0.75, 1, 0]) {
        await jumpTo(region, fraction);
        await expectRowsAtRank(page, list, fraction, `${column} ${direction}, at ${fraction * 100}%`);
      }
    }
  }

  // The middle, by title, for the edit below.
  await sortBy(page, 'Title', 'ascending');
  await jumpTo(region, 0.5);
  await expectRowsAtRank(page, sorted.Title, 0.5, 'Title ascending, at 50%, before the edit');
  await page.screenshot({ path: path.join(ARTIFACTS, 'scale.png') });

  // An edit deep in the list keeps the place: same scroll position, same rows.
  const before = await region.evaluate((element) => element.scrollTop);
  const firstRow = (await readTable(page))[0];
  await page.getByRole('button', { name: `Edit ${firstRow.Title}`, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Genre', { exact: true }).fill('Edited Deep Down');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await waitFor(async () => assert.equal((await readTable(page))[0].Genre, 'Edited Deep Down'));
  assert.equal(await region.evaluate((element) => element.scrollTop), before, 'the scroll position is kept');
  assert.equal((await readTable(page))[0].ID, firstRow.ID);
}, { timeout: 180_000 });
