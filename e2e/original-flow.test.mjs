// The original flow: empty catalogue, add three books (Enter and the button), open a book's page,
// go back, edit one in the dialog, delete one, reload: everything persisted.

import assert from 'node:assert/strict';
import path from 'node:path';
import {
  useApp, ARTIFACTS, allBooksLink, addForm, field, table, columnHeaders, bookRows, rowFor, emptyState, readTable,
  expectCount, expectRows, addBook, waitFor, waitForList,
} from './helpers.mjs';

const appTest = useApp();

const BOOKS = [
  { title: 'The Hobbit', author: 'J,R,R Tolkien', genre: 'Fantasy' },
  { title: '1987', author: 'George Orwell', genre: 'Dystopian Fiction' },
  { title: 'To Kill a Mockingbird', author: 'Harper Lee', genre: 'Southern Gothic, Bildungsroman' },
];

appTest('add, view, edit, delete and persist the three original books', async ({ page, reload, go }) => {
  // Empty catalogue.
  await emptyState(page).waitFor({ state: 'visible' });
  await page.getByRole('button', { name: 'Add sample books', exact: true }).waitFor({ state: 'visible' });
  const form = addForm(page);
  for (const label of ['Title', 'Author', 'Genre']) await field(form, label).waitFor({ state: 'visible' });

  // Add the three books: Enter for the first, the "Add book" button for the others.
  await addBook(page, BOOKS[0], 'enter');
  await expectCount(page, '1 book');
  await addBook(page, BOOKS[1], 'click');
  await expectCount(page, '2 books');
  await addBook(page, BOOKS[2], 'click');
  await expectRows(page, 3);
  await expectCount(page, '3 books');
  assert.equal(await emptyState(page).count(), 0, 'the empty state should be gone');

  // Column headers and contents.
  assert.deepEqual(await columnHeaders(page), ['ID', 'Title', 'Author', 'Genre', 'Actions']);
  const rows = await readTable(page);
  for (const [i, book] of BOOKS.entries()) {
    const row = rows.find((r) => r.Title === book.title);
    assert.ok(row, `a row for ${book.title}`);
    assert.equal(row.ID, String(i + 1), `${book.title} has ID ${i + 1}`);
    assert.equal(row.Author, book.author);
    assert.equal(row.Genre, book.genre);
  }
  // Each title links to its page; each row has its Edit and Delete buttons.
  for (const [i, book] of BOOKS.entries()) {
    const row = rowFor(page, book.title);
    const href = await row.getByRole('link', { name: book.title, exact: true }).getAttribute('href');
    assert.match(href, new RegExp(`#/books/${i + 1}$`), `link of ${book.title}`);
    await row.getByRole('button', { name: `Edit ${book.title}`, exact: true }).waitFor();
    await row.getByRole('button', { name: `Delete ${book.title}`, exact: true }).waitFor();
  }
  await table(page).screenshot({ path: path.join(ARTIFACTS, 'table.png') });

  // The book page.
  await go('#/books/1');
  await page.getByRole('heading', { name: 'The Hobbit', level: 2, exact: true }).waitFor({ state: 'visible' });
  await waitFor(async () => {
    const terms = (await page.getByRole('term').allTextContents()).map((s) => s.trim());
    const defs = (await page.getByRole('definition').allTextContents()).map((s) => s.trim());
    assert.deepEqual(terms, ['ID', 'Title', 'Author', 'Genre'], 'the <dl> terms');
    assert.deepEqual(defs, ['1', 'The Hobbit', 'J,R,R Tolkien', 'Fantasy'], 'the <dl> values');
  });
  const allBooks = allBooksLink(page);
  assert.match(await allBooks.getAttribute('href'), /#\/$/);

  // Back to the table.
  await page.goBack();
  await table(page).waitFor({ state: 'visible' });
  await expectRows(page, 3);
  await page.getByRole('heading', { name: 'The Hobbit', level: 2, exact: true }).waitFor({ state: 'hidden' });

  // Edit 1987 -> 1984 in the dialog.
  await page.getByRole('button', { name: 'Edit 1987', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor({ state: 'visible' });
  await page.getByRole('dialog', { name: 'Edit 1987', exact: true }).waitFor({ state: 'visible' });
  assert.equal(await field(dialog, 'Title').inputValue(), '1987');
  assert.equal(await field(dialog, 'Author').inputValue(), 'George Orwell');
  assert.equal(await field(dialog, 'Genre').inputValue(), 'Dystopian Fiction');
  await field(dialog, 'Title').fill('1984');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await rowFor(page, '1984').waitFor({ state: 'visible' });
  await expectRows(page, 3);
  assert.equal(await rowFor(page, '1987').count(), 0, '1987 is renamed');
  const edited = (await readTable(page)).find((r) => r.Title === '1984');
  assert.deepEqual([edited.ID, edited.Author, edited.Genre], ['2', 'George Orwell', 'Dystopian Fiction']);

  // Delete To Kill a Mockingbird.
  await page.getByRole('button', { name: 'Delete To Kill a Mockingbird', exact: true }).click();
  await rowFor(page, 'To Kill a Mockingbird').waitFor({ state: 'detached' });
  await expectRows(page, 2);
  await expectCount(page, '2 books');

  // Reload: persisted in IndexedDB.
  await reload();
  await expectRows(page, 2);
  await expectCount(page, '2 books');
  const after = await readTable(page);
  assert.deepEqual(
    after.map((r) => [r.ID, r.Title, r.Author, r.Genre]).sort(),
    [
      ['1', 'The Hobbit', 'J,R,R Tolkien', 'Fantasy'],
      ['2', '1984', 'George Orwell', 'Dystopian Fiction'],
    ],
  );
  assert.equal(await bookRows(page).filter({ hasText: 'To Kill a Mockingbird' }).count(), 0);
  await waitForList(page);
});
