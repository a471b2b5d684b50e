// Reload or close right after a write: once the app shows a write as done, it is committed; an
// import interrupted by a reload leaves all of it or nothing.

import assert from 'node:assert/strict';
import {
  useApp, addForm, field, rowFor, readTable, expectCount, waitForList, waitFor,
} from './helpers.mjs';

const appTest = useApp();

/** The table as the test expects it: [id, title, author] rows, in id order. */
const shown = async (page) =>
  (await readTable(page)).map((row) => [row.ID, row.Title, row.Author]);

appTest('each of 20 writes, shown as done, is still there after an immediate reload', async ({ page }) => {
  // The model: id -> [title, author].
  const model = new Map();
  let nextId = 1;
  let reloads = 0;
  const reloadAndCompare = async () => {
    await page.reload();
    await waitForList(page);
    reloads += 1;
    const expected = [...model.entries()].map(([id, [title, author]]) => [String(id), title, author]);
    const noun = model.size === 1 ? 'book' : 'books';
    if (model.size > 0) await expectCount(page, `${model.size} ${noun}`);
    assert.deepEqual(await shown(page), expected, `after reload ${reloads}`);
  };

  for (let i = 0; i < 20; i++) {
    const kind = ['add', 'add', 'edit', 'delete'][i % 4];
    if (kind === 'add') {
      const title = `Reloaded ${i}`;
      const form = addForm(page);
      await field(form, 'Title').fill(title);
      await field(form, 'Author').fill('First Author');
      await field(form, 'Author').press('Enter');
      // Done as soon as the row shows; then reload at once.
      await rowFor(page, title).waitFor({ state: 'visible' });
      model.set(nextId++, [title, 'First Author']);
    } else if (kind === 'edit') {
      const [id, [title]] = [...model.entries()].at(-1);
      await page.getByRole('button', { name: `Edit ${title}`, exact: true }).click();
      const dialog = page.getByRole('dialog');
      await field(dialog, 'Author').fill(`Edited Author ${i}`);
      await dialog.getByRole('button', { name: 'Save', exact: true }).click();
      await rowFor(page, title).filter({ hasText: `Edited Author ${i}` }).waitFor({ state: 'visible' });
      model.set(id, [title, `Edited Author ${i}`]);
    } else {
      const [id, [title]] = [...model.entries()][0];
      await page.getByRole('button', { name: `Delete ${title}`, exact: true }).click();
      await rowFor(page, title).waitFor({ state: 'detached' });
      model.delete(id);
    }
    await reloadAndCompare();
  }
  assert.equal(reloads, 20);
  assert.equal(model.size, 5);
});

/** A Bookshelf CSV of `n` books. */
function catalogue(n) {
  const lines = ['title,author,genre'];
  for (let i = 1; i <= n; i++) lines.push(`Interrupted ${i},Author ${i % 997},Genre ${i % 13}`);
  return lines.join('\n') + '\n';
}

appTest('a reload in the middle of a 100,000-row import leaves all of it or nothing', async ({ page }, t) => {
  const ROWS = 100_000;
  const form = addForm(page);
  await field(form, 'Title').fill('Here Before');
  await field(form, 'Author').fill('Kept');
  await field(form, 'Author').press('Enter');
  await rowFor(page, 'Here Before').waitFor({ state: 'visible' });

  await page.getByLabel('Import', { exact: true }).setInputFiles({
    name: 'large.csv', mimeType: 'text/csv', buffer: Buffer.from(catalogue(ROWS)),
  });
  const button = page.getByRole('button', { name: `Import ${ROWS} books`, exact: true });
  await button.waitFor({ state: 'visible', timeout: 120_000 });
  await button.click();
  // Wait until the write is under way (its progress has moved), then reload in the middle of it.
  const progress = page.locator('#transfer-progress');
  const reached = await page.waitForFunction((rows) => {
    const bar = document.querySelector('#transfer-progress');
    return bar && Number(bar.max) === rows && Number(bar.value) > rows * 0.2 && Number(bar.value);
  }, ROWS, { timeout: 60_000, polling: 20 });
  const at = await reached.jsonValue();
  await page.reload();
  await waitForList(page);
  t.diagnostic(`reloaded with the import's progress at ${at} of ${ROWS}`);

  // One transaction: either every row is there, or none, and the book from before is kept.
  await rowFor(page, 'Here Before').waitFor({ state: 'visible' });
  // The count, once counted (it reads "Counting…" until then): one of the two, nothing between.
  const count = await waitFor(async () => {
    const text = ((await page.locator('#book-count').textContent({ timeout: 1000 })) || '').trim();
    assert.match(text, /^\d+ books?$/, 'the count is final');
    return text;
  }, { timeout: 60_000, message: 'the count after the reload' });
  assert.ok(['1 book', `${ROWS + 1} books`].includes(count), `all or nothing, but the count reads "${count}"`);
  t.diagnostic(`after the reload: ${count}`);
  assert.equal(await progress.count(), 0);
  // The search index agrees with the books: nothing of the import is found if it was dropped.
  await page.getByRole('searchbox', { name: 'Search' }).fill('interrupted 5000');
  await expectCount(page, count === '1 book' ? '0 of 1 book' : `11 of ${ROWS + 1} books`);
}, { timeout: 300_000 });
