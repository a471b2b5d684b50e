// Sorting by column headers, search as you type, the genre filter, and the virtual table at size.

import assert from 'node:assert/strict';
import {
  useApp, readTable, expectCount, waitFor, bookRows, table, addBook, fillAndSubmit, field, addForm,
} from './helpers.mjs';

const appTest = useApp();

const titles = async (page) => (await readTable(page)).map((row) => row.Title);
const header = (page, name) => page.getByRole('columnheader', { name, exact: true });
const sortButton = (page, name) => header(page, name).getByRole('button', { name, exact: true });

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
  await page.getByText('No books match your search.').waitFor();

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

appTest('thousands of books: a progress bar, few rows in the DOM, and the end one jump away', async ({ page }) => {
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

  // Descending by ID from the end of the list: the first row is the newest book.
  await sortButton(page, 'ID').click();
  await waitFor(async () => assert.equal((await readTable(page))[0].ID, '20000'));

  // The middle, by title, agrees with the row's own position.
  await sortButton(page, 'Title').click();
  await region.evaluate((element) => { element.scrollTop = element.scrollHeight / 2; });
  await waitFor(async () => {
    const rows = await readTable(page);
    assert.ok(rows.length > 5 && rows.every((row) => row.Title !== 'Loading…'));
    const fold = (text) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    for (let i = 1; i < rows.length; i += 1) {
      assert.ok(fold(rows[i - 1].Title) <= fold(rows[i].Title), `${rows[i - 1].Title} sorts before ${rows[i].Title}`);
    }
    assert.ok(Number(rows[0].ID) > 0);
  });
  await page.screenshot({ path: 'artifacts/scale.png' });

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
