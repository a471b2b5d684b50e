// Undo after delete brings the book back with the same ID; Escape in the edit dialog cancels.

import assert from 'node:assert/strict';
import {
  useApp, field, rowFor, readTable, expectCount, expectRows, addBook, waitFor, openEditDialog,
} from './helpers.mjs';

const appTest = useApp();

const HOBBIT = { title: 'The Hobbit', author: 'J,R,R Tolkien', genre: 'Fantasy' };
const ORWELL = { title: '1987', author: 'George Orwell', genre: 'Dystopian Fiction' };

const idOf = async (page, title) => (await readTable(page)).find((r) => r.Title === title)?.ID;

appTest('Undo after delete restores the book with the same ID', async ({ page, reload }) => {
  await addBook(page, HOBBIT);
  await addBook(page, ORWELL);
  await expectCount(page, '2 books');
  const id = await idOf(page, HOBBIT.title);
  assert.equal(id, '1');

  await page.getByRole('button', { name: `Delete ${HOBBIT.title}`, exact: true }).click();
  await rowFor(page, HOBBIT.title).waitFor({ state: 'detached' });
  await expectCount(page, '1 book');

  const notice = page.getByRole('status').filter({ hasText: 'Deleted' });
  await notice.waitFor({ state: 'visible' });
  const undo = notice.getByRole('button', { name: 'Undo', exact: true });
  await waitFor(async () => {
    const buttons = await notice.getByRole('button').evaluateAll((els) =>
      els.map((el) => el.getAttribute('aria-label') || el.textContent.trim()),
    );
    assert.ok(buttons.includes('Undo'), `the "Deleted" notice should offer a button "Undo"; its buttons: ${JSON.stringify(buttons)}`);
  }, { timeout: 5000 });
  await undo.click();

  await rowFor(page, HOBBIT.title).waitFor({ state: 'visible' });
  await expectRows(page, 2);
  await expectCount(page, '2 books');
  const restored = (await readTable(page)).find((r) => r.Title === HOBBIT.title);
  assert.deepEqual(
    [restored.ID, restored.Author, restored.Genre],
    [id, HOBBIT.author, HOBBIT.genre],
    'restored with the same ID and fields',
  );

  // The restore is stored, not just shown.
  await reload();
  await expectRows(page, 2);
  assert.equal(await idOf(page, HOBBIT.title), id);
});

appTest('Escape in the edit dialog cancels without saving', async ({ page, reload }) => {
  await addBook(page, ORWELL);
  const dialog = await openEditDialog(page, ORWELL.title);
  const title = field(dialog, 'Title');
  assert.equal(await title.inputValue(), ORWELL.title);
  await title.fill('1984');
  await field(dialog, 'Author').fill('Somebody Else');
  await title.press('Escape');
  await dialog.waitFor({ state: 'hidden' });

  await rowFor(page, ORWELL.title).waitFor({ state: 'visible' });
  assert.equal(await rowFor(page, '1984').count(), 0, 'the change was not saved');
  const row = (await readTable(page)).find((r) => r.Title === ORWELL.title);
  assert.equal(row.Author, ORWELL.author);

  // Opening it again shows the stored values, not the abandoned edit.
  await openEditDialog(page, ORWELL.title);
  await waitFor(async () => {
    assert.equal(await field(dialog, 'Title').inputValue(), ORWELL.title);
    assert.equal(await field(dialog, 'Author').inputValue(), ORWELL.author);
  }, { message: 'reopened dialog shows the stored book' });
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });

  await reload();
  await rowFor(page, ORWELL.title).waitFor({ state: 'visible' });
  assert.equal(await rowFor(page, '1984').count(), 0, 'nothing stored');
  await expectCount(page, '1 book');
});
