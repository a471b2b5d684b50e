// Unknown book ids show "Book not found" with a way back; back/forward moves between a book's
// page and the list.

import assert from 'node:assert/strict';
import { useApp, allBooksLink, table, emptyState, addBook, expectRows, waitForList, waitFor } from './helpers.mjs';

const appTest = useApp();

const heading = (page, name, level) => page.getByRole('heading', { name, level, exact: true });

appTest('an unknown id shows "Book not found" and a working link back', async ({ page, baseUrl }) => {
  await heading(page, 'Book not found').waitFor({ state: 'visible' });
  assert.equal(await table(page).count(), 0, 'no table on the not-found page');

  const back = allBooksLink(page);
  assert.match(await back.getAttribute('href'), /#\/$/);
  await back.click();
  await waitForList(page);
  await emptyState(page).waitFor({ state: 'visible' });
  await heading(page, 'Book not found').waitFor({ state: 'hidden' });
  await waitFor(() => assert.match(page.url(), /#\/$/));
  assert.ok(page.url().startsWith(baseUrl));
}, { hash: '#/books/999' });

appTest('back and forward between #/books/1 and the list', async ({ page, go }) => {
  await addBook(page, { title: 'The Hobbit', author: 'J,R,R Tolkien', genre: 'Fantasy' });
  await expectRows(page, 1);

  await go('#/books/1');
  await heading(page, 'The Hobbit', 2).waitFor({ state: 'visible' });
  await table(page).waitFor({ state: 'hidden' });

  await page.goBack();
  await table(page).waitFor({ state: 'visible' });
  await expectRows(page, 1);
  await heading(page, 'The Hobbit', 2).waitFor({ state: 'hidden' });

  await page.goForward();
  await heading(page, 'The Hobbit', 2).waitFor({ state: 'visible' });
  await waitFor(() => assert.match(page.url(), /#\/books\/1$/));

  // The title link in the table leads to the same page; "All books" leads back.
  await allBooksLink(page).click();
  await table(page).waitFor({ state: 'visible' });
  await page.getByRole('link', { name: 'The Hobbit', exact: true }).click();
  await heading(page, 'The Hobbit', 2).waitFor({ state: 'visible' });
  await waitFor(() => assert.match(page.url(), /#\/books\/1$/));

  // An id that does not exist yet, next to one that does, is not found either.
  await go('#/books/2');
  await heading(page, 'Book not found').waitFor({ state: 'visible' });
  await page.goBack();
  await heading(page, 'The Hobbit', 2).waitFor({ state: 'visible' });
});
