// Bad input is refused next to the field and never stored; markup is stored and shown as text.

import assert from 'node:assert/strict';
import {
  useApp, addForm, field, rowFor, readTable, bookRows, expectCount, expectRows, addBook,
  fillAndSubmit, expectFieldError, staysTrue, waitFor, watchImageRequests, openEditDialog,
} from './helpers.mjs';

const appTest = useApp();

// Elements the stored text would create if it were parsed as HTML.
const INJECTED = 'img[src="x"], b:has-text("Mallory"), script:has-text("alert(2)")';

const SEED = { title: 'The Hobbit', author: 'J,R,R Tolkien', genre: 'Fantasy' };

/** Submits `book`, expects `label` to show an error matching `pattern`, and nothing stored. */
async function refused(page, book, label, pattern) {
  await fillAndSubmit(page, book);
  const text = await expectFieldError(field(addForm(page), label), pattern);
  await staysTrue(async () => (await bookRows(page).count()) === 1, {
    duration: 400,
    message: `nothing is added for ${JSON.stringify(book)}`,
  });
  await expectCount(page, '1 book');
  return text;
}

appTest('the add form refuses bad input next to the field and stores nothing', async ({ page, reload }) => {
  await addBook(page, SEED);
  await expectCount(page, '1 book');

  await refused(page, { title: '', author: 'Someone', genre: 'Any' }, 'Title', /Title is required/);
  await refused(page, { title: '   ', author: 'Someone', genre: 'Any' }, 'Title', /Title is required/);
  await refused(page, { title: 'No Author', author: '', genre: 'Any' }, 'Author', /Author is required/);
  await refused(page, { title: 'x'.repeat(501), author: 'Someone', genre: '' }, 'Title', /too long/i);
  const control = await refused(page, { title: 'Ring\u0007Bell', author: 'Someone', genre: '' }, 'Title', /\S/);
  assert.ok(control.length > 0, 'control character message');

  // Nothing was written: the store still holds only the seed book.
  await reload();
  await expectRows(page, 1);
  await expectCount(page, '1 book');
  assert.deepEqual(
    (await readTable(page)).map((r) => [r.ID, r.Title, r.Author, r.Genre]),
    [['1', SEED.title, SEED.author, SEED.genre]],
  );
});

appTest('a title of exactly 500 characters is accepted; an error clears once fixed', async ({ page }) => {
  const form = addForm(page);
  await fillAndSubmit(page, { title: '', author: 'Someone', genre: '' });
  await expectFieldError(field(form, 'Title'), /Title is required/);
  const long = 'y'.repeat(500);
  await addBook(page, { title: long, author: 'Someone', genre: '' });
  await expectCount(page, '1 book');
  await waitFor(async () =>
    assert.notEqual(await field(form, 'Title').getAttribute('aria-invalid'), 'true', 'error cleared'),
  );
});

appTest('markup-looking text is stored and shown as literal text', async ({ page, reload, dialogs }) => {
  const markup = '<img src=x onerror=alert(1)>';
  const images = watchImageRequests(page);
  await addBook(page, { title: markup, author: '<b>Mallory</b>', genre: '"><script>alert(2)</script>' });
  await expectCount(page, '1 book');

  const check = async () => {
    const cell = page.getByRole('cell', { name: markup, exact: true });
    await cell.waitFor({ state: 'visible' });
    assert.equal((await cell.textContent()).trim(), markup);
    const row = (await readTable(page))[0];
    assert.equal(row.Author, '<b>Mallory</b>');
    assert.equal(row.Genre, '"><script>alert(2)</script>');
    assert.equal(await page.locator(INJECTED).count(), 0, 'no element was created from the text');
  };
  await check();
  await reload();
  await check();
  await page.getByRole('link', { name: markup, exact: true }).click();
  await page.getByRole('heading', { name: markup, level: 2, exact: true }).waitFor({ state: 'visible' });
  assert.equal(await page.locator(INJECTED).count(), 0, 'no element on the book page either');
  // An element made of the text would have asked for its image "x", and its onerror would run
  // once that failed: every image request is answered, and none was for "x".
  const requested = await images.settled();
  assert.deepEqual(requested.filter((url) => new URL(url).pathname.endsWith('/x')), [], 'no image asked for by the text');
  assert.deepEqual(dialogs, [], 'no alert fired');
});

appTest('the edit dialog refuses an empty title and leaves the stored book unchanged', async ({ page, reload }) => {
  await addBook(page, SEED);
  const dialog = await openEditDialog(page, SEED.title);
  const title = field(dialog, 'Title');
  await title.fill('');
  await field(dialog, 'Author').fill('Changed Author');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();

  await expectFieldError(title, /Title is required/);
  await staysTrue(() => dialog.isVisible(), { duration: 300, message: 'the dialog stays open' });
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });

  const unchanged = async () => {
    await rowFor(page, SEED.title).waitFor({ state: 'visible' });
    assert.deepEqual(
      (await readTable(page)).map((r) => [r.ID, r.Title, r.Author, r.Genre]),
      [['1', SEED.title, SEED.author, SEED.genre]],
    );
  };
  await unchanged();
  await reload();
  await unchanged();
});
