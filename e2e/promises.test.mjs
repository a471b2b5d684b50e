// Promises the README makes about changes: every delete keeps its own Undo (even for books that
// share a title), a book just added is brought into view and marked (or named, with a link, when a
// search hides it), an id once used here is never another book's, not even through an import, and
// a search never shows the rows of the question before it under its own count.

import assert from 'node:assert/strict';
import {
  useApp, addBook, bookCount, expectCount, readTable, rowFor, waitFor, field, addForm, fillAndSubmit,
  staysTrue,
} from './helpers.mjs';

const appTest = useApp();

const importControl = (page) => page.getByLabel('Import', { exact: true });
const importButton = (page) => page.getByRole('button', { name: /^Import \d+ books?$/ });
const searchBox = (page) => page.getByRole('searchbox', { name: 'Search' });
const notices = (page, text) => page.locator('.notices [role="status"] .notice').filter({ hasText: text });

async function importText(page, name, text, { anyway = false } = {}) {
  await importControl(page).setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
  await importButton(page).waitFor({ state: 'visible' });
  if (anyway) await page.getByRole('checkbox', { name: 'Import them too' }).check();
  await importButton(page).click();
}

/** A CSV of `count` books titled "Book 001"…, by "Author". */
function manyBooks(count) {
  const rows = Array.from({ length: count }, (_, i) => `Book ${String(i + 1).padStart(3, '0')},Author`);
  return `title,author\n${rows.join('\n')}\n`;
}

appTest('two books with one title, both deleted: each keeps its own Undo', async ({ page, reload }) => {
  const twin = { title: 'Twin', author: 'Same', genre: '' };
  await importText(page, 'twins.csv', 'title,author\nTwin,Same\nTwin,Same\nOther,Else\n');
  await expectCount(page, '3 books');
  const ids = (await readTable(page)).filter((r) => r.Title === twin.title).map((r) => r.ID);
  assert.deepEqual(ids, ['1', '2']);

  // Delete both; each says so, each with its own Undo.
  await page.getByRole('button', { name: 'Delete Twin', exact: true }).first().click();
  await expectCount(page, '2 books');
  await page.getByRole('button', { name: 'Delete Twin', exact: true }).first().click();
  await expectCount(page, '1 book');
  const deleted = notices(page, 'Deleted “Twin”');
  await waitFor(async () => assert.equal(await deleted.count(), 2, 'two notices, one per book'));

  // Undo the first delete (the older notice), then the second: both come back with their ids.
  await deleted.first().getByRole('button', { name: 'Undo', exact: true }).click();
  await expectCount(page, '2 books');
  await notices(page, 'Deleted “Twin”').getByRole('button', { name: 'Undo', exact: true }).click();
  await expectCount(page, '3 books');
  await reload();
  const back = (await readTable(page)).filter((r) => r.Title === twin.title).map((r) => r.ID);
  assert.deepEqual(back, ['1', '2']);
});

appTest('a book just added is brought into view and marked; hidden by a search, it is named with a link', async ({ page }) => {
  await importText(page, 'many.csv', manyBooks(120));
  await expectCount(page, '120 books');
  const scroller = page.getByRole('region', { name: 'Books, scrollable' });
  assert.equal(await scroller.evaluate((el) => el.scrollTop), 0);

  // Sorted by id, the new book is the last row, far below the screen.
  await addBook(page, { title: 'Newest Arrival', author: 'Someone', genre: '' });
  const row = rowFor(page, 'Newest Arrival');
  await waitFor(async () => {
    const box = await row.boundingBox();
    const area = await scroller.boundingBox();
    assert.ok(box && area, 'the row and the table are on screen');
    assert.ok(box.y >= area.y && box.y + box.height <= area.y + area.height + 1, 'the row is inside the visible table');
  });
  assert.match(await row.getAttribute('class'), /just-added/, 'the new row is marked');
  await notices(page, 'Added “Newest Arrival”').waitFor({ state: 'visible' });
  await waitFor(async () => assert.doesNotMatch(await row.getAttribute('class') || '', /just-added/), { timeout: 8_000 });

  // Sorted by title, a book that sorts into the middle is brought there.
  await page.getByRole('button', { name: 'Title', exact: true }).click();
  await addBook(page, { title: 'Book 060½', author: 'Middle', genre: '' });
  await waitFor(async () => {
    const titles = (await readTable(page)).map((r) => r.Title);
    assert.ok(titles.includes('Book 060½'), `on screen: ${titles.join(', ')}`);
  });

  // A search that hides it: the status names the book and links to its page.
  await searchBox(page).fill('Book 00');
  // The search applies after a short pause in typing: wait until the count says it is on.
  await waitFor(async () => assert.match(await bookCount(page).textContent(), /^9 of 122 books$/));
  await fillAndSubmit(page, { title: 'Zebra Finch', author: 'Nobody', genre: '' });
  const hidden = notices(page, 'Added “Zebra Finch”');
  await hidden.waitFor({ state: 'visible' });
  assert.match(await hidden.textContent(), /hides it/);
  assert.equal(await rowFor(page, 'Zebra Finch').count(), 0, 'not in the filtered table');
  const link = hidden.getByRole('link');
  const href = await link.getAttribute('href');
  assert.match(href, /^#\/books\/\d+$/);
  await link.click();
  await page.getByRole('heading', { name: 'Zebra Finch' }).waitFor({ state: 'visible' });
});

appTest('an id once used is never given to another book, even by an import; Undo still restores', async ({ page }) => {
  await importText(page, 'three.csv', 'title,author\nFirst,A\nSecond,B\nThird,C\n');
  await expectCount(page, '3 books');
  await page.getByRole('button', { name: 'Delete Third', exact: true }).click();
  await expectCount(page, '2 books');

  // A file from elsewhere that carries id 3 for a different book.
  const stranger = JSON.stringify([{ id: 3, title: 'Stranger', author: 'Elsewhere' }, { id: 50, title: 'Fifty', author: 'F' }]);
  await importControl(page).setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from(stranger) });
  const preview = page.getByRole('group', { name: /^Import preview/ });
  await preview.waitFor({ state: 'visible' });
  assert.match(await preview.textContent(), /1 book carry an id that a book here has, or once had|carry an id that a book here has, or once had/);
  await importButton(page).click();
  await expectCount(page, '4 books');
  const rows = await readTable(page);
  const idOf = (title) => rows.find((r) => r.Title === title)?.ID;
  assert.equal(idOf('Fifty'), '50', 'an id never used here is kept');
  assert.ok(Number(idOf('Stranger')) > 50, `the stranger got a new id, not 3 (got ${idOf('Stranger')})`);

  // The first delete's Undo is still there, and puts "Third" back as book 3.
  await notices(page, 'Deleted “Third”').getByRole('button', { name: 'Undo', exact: true }).click();
  await expectCount(page, '5 books');
  await waitFor(async () => assert.equal((await readTable(page)).find((r) => r.Title === 'Third')?.ID, '3'));
  // The form still works after all of this.
  assert.equal(await field(addForm(page), 'Title').inputValue(), '');
});

appTest('while a search\'s rows are read, the rows of the question before are never shown under its count', async ({ page }) => {
  const zebras = ['Zebra One', 'Zebra Two', 'Zebra Three'];
  await importText(page, 'many.csv', `${manyBooks(60)}${zebras.map((title) => `${title},Striped`).join('\n')}\n`);
  await expectCount(page, '63 books');
  // Once searched, the search index is in memory: a search then reads only its rows' books.
  await searchBox(page).fill('zebra');
  await expectCount(page, '3 of 63 books');
  await searchBox(page).fill('');
  await expectCount(page, '63 books');
  await waitFor(async () => assert.equal((await readTable(page))[0]?.Title, 'Book 001'));

  // Hold every read of the books store from now on (a request of ours always pending), so the
  // search's rows cannot arrive while the test looks.
  await page.evaluate(() => {
    const original = IDBDatabase.prototype.transaction;
    const gate = { hold: true, held: 0 };
    window.__readGate = gate;
    IDBDatabase.prototype.transaction = function transaction(stores, mode, options) {
      const tx = options === undefined ? original.call(this, stores, mode) : original.call(this, stores, mode, options);
      const names = typeof stores === 'string' ? [stores] : Array.from(stores);
      if (!gate.hold || mode === 'readwrite' || names.length !== 1 || names[0] !== 'books') return tx;
      gate.held += 1;
      const store = tx.objectStore('books');
      const keepOpen = () => { if (gate.hold) store.get(-1).onsuccess = keepOpen; };
      keepOpen();
      return tx;
    };
  });
  await searchBox(page).fill('zebra');
  await expectCount(page, '3 of 63 books');
  await waitFor(async () => assert.ok(await page.evaluate(() => window.__readGate.held) > 0, 'the rows are being read'));
  await staysTrue(async () => {
    const titles = await page.locator('tbody tr[data-id] td.title').allTextContents();
    return titles.every((title) => zebras.includes(title));
  }, { duration: 500, message: 'only books the search found are shown under "3 of 63 books"' });

  await page.evaluate(() => { window.__readGate.hold = false; });
  await waitFor(async () => assert.deepEqual(
    (await readTable(page)).map((row) => row.Title).sort(),
    [...zebras].sort(),
  ));
});
