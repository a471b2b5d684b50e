// Past the browsers' height cap the table still reaches every row. The scroll area is capped at 8
// million pixels (`src/viewport.rs`), about 182,000 rows of 44 px; beyond that a pixel stands for
// more than a row. Arithmetic tests cover the scaling; this drives the real table: 300,000 books,
// the real scroller scrolled by the keyboard (End), the mouse wheel and scrollTop, and every row
// shown checked against the book that belongs at its place — at positions past 182,000 and at the
// very end, which must be book 300,000 with no row after it — sorted by id, then by title.
//
// Filling the store is most of the test's time: the app's own sample generator writes 300,000
// books in three transactions of 100,000. Measured on the 2-core build machine while it was busy
// with other builds (load average 9 to 23): 149 to 235 s in three runs, the scrolling after it
// about 30 s; at the README's 9,400 books/s for a million, the fill takes about 32 s on a quiet
// machine.

import assert from 'node:assert/strict';
import { useApp, bookRows, expectCount, readTable, table, waitFor } from './helpers.mjs';

const appTest = useApp();
const BOOKS = 300_000;
/** The cap of `src/viewport.rs` and the rows it holds at the table's 44 px a row. */
const CAP_PX = 8_000_000;

/** The rendered rows: their position in the list (aria-rowindex − 2), ID and title. */
const shownRows = (page) => bookRows(page).evaluateAll((rows) => rows.map((row) => ({
  position: Number(row.getAttribute('aria-rowindex')) - 2,
  id: Number(row.querySelector('td.id')?.textContent),
  title: row.querySelector('td.title')?.textContent ?? '',
  loading: row.classList.contains('pending'),
})));

/** Waits until the table shows loaded rows for the scroller's current position; returns them. */
async function settledRows(page) {
  return waitFor(async () => {
    const rows = await shownRows(page);
    assert.ok(rows.length > 0 && rows.every((row) => !row.loading), 'rows are loaded');
    return rows;
  }, { timeout: 20_000 });
}

/** Straight from IndexedDB: the last book in the by-title index (folded title, then id). */
const lastByTitle = (page) => page.evaluate(() => new Promise((resolve, reject) => {
  const open = indexedDB.open('bookshelf');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const request = db.transaction('books').objectStore('books').index('by_title').openCursor(null, 'prev');
    request.onsuccess = () => {
      db.close();
      resolve({ id: request.result.value.id, title: request.result.value.title });
    };
    request.onerror = () => reject(request.error);
  };
}));

appTest('300,000 books: positions past the 8M-pixel cap show the right rows, and End reaches book 300,000', async ({ page }, t) => {
  const started = Date.now();
  await page.getByText('Developer tools').click();
  await page.getByLabel('Number of sample books').fill(String(BOOKS));
  await page.getByRole('button', { name: 'Generate sample books' }).click();
  await page.locator('.notices .notice').filter({ hasText: `Added ${BOOKS} sample books.` })
    .waitFor({ timeout: 240_000 });
  await expectCount(page, `${BOOKS} books`);
  t.diagnostic(`300,000 sample books written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.equal(await table(page).getAttribute('aria-rowcount'), String(BOOKS + 1));

  const scroller = page.getByRole('region', { name: 'Books, scrollable' });
  const geometry = () => scroller.evaluate((el) => ({
    top: el.scrollTop, height: el.scrollHeight, client: el.clientHeight,
  }));
  const rowPx = (await bookRows(page).first().boundingBox()).height;
  const { height } = await geometry();
  // The premise: the rows would be far taller than the scroll area, which is at the cap.
  assert.ok(BOOKS * rowPx > 1.5 * CAP_PX, `300,000 rows of ${rowPx} px are past the cap`);
  assert.ok(height <= CAP_PX + 2 * rowPx, `the scroll area is capped (${height} px)`);
  const capRows = Math.floor(CAP_PX / rowPx);
  t.diagnostic(`row ${rowPx} px; the cap holds ${capRows} rows; scroll height ${height} px`);

  // Sorted by id the books are 1…300,000 (the generator's ids), so the row at position p is book
  // p + 1: every row shown anywhere can be checked.
  const checkById = (rows) => {
    for (const row of rows) assert.equal(row.id, row.position + 1, `position ${row.position} shows book ${row.id}`);
    for (let i = 1; i < rows.length; i += 1) assert.equal(rows[i].position, rows[i - 1].position + 1, 'no gap');
  };

  // Positions past the cap's row count, reached by setting scrollTop to their share of the way.
  for (const target of [capRows + 5, capRows + 1_000, 200_000, 250_000, 299_000]) {
    const { height: h, client } = await geometry();
    const visible = (await shownRows(page)).length;
    await scroller.evaluate((el, top) => { el.scrollTop = top; }, (target / (BOOKS - visible)) * (h - client));
    await waitFor(async () => {
      const rows = await settledRows(page);
      checkById(rows);
      assert.ok(Math.abs(rows[0].position - target) <= 1, `scrolled to ${target}: first row shown is position ${rows[0].position}`);
    }, { timeout: 20_000 });
  }

  // The end, by the keyboard: End in the focused scroller.
  await scroller.evaluate((el) => { el.scrollTop = 0; });
  await waitFor(async () => assert.equal((await settledRows(page))[0].id, 1));
  await scroller.focus();
  await page.keyboard.press('End');
  const atEnd = async () => {
    const { top, height: h, client } = await geometry();
    assert.ok(top >= h - client - 1, `scrolled to the bottom (${top} of ${h - client})`);
    const rows = await settledRows(page);
    checkById(rows);
    assert.equal(rows.at(-1).id, BOOKS, 'the last row is book 300,000');
    assert.equal(rows.at(-1).position, BOOKS - 1);
    assert.equal(await page.locator(`tr[aria-rowindex="${BOOKS + 2}"]`).count(), 0, 'no row after the last');
    // The last row is on screen, not below the scroller's edge.
    const last = await bookRows(page).last().boundingBox();
    const area = await scroller.boundingBox();
    assert.ok(last.y + last.height <= area.y + area.height + 1, 'the last row is inside the visible table');
  };
  await waitFor(atEnd, { timeout: 20_000 });
  // The mouse wheel further down changes nothing: there is nothing after the last row.
  const box = await scroller.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 5_000);
  await waitFor(atEnd, { timeout: 20_000 });
  // And the wheel back up a little shows the rows just before, still right.
  await page.mouse.wheel(0, -3 * rowPx);
  await waitFor(async () => {
    const rows = await settledRows(page);
    checkById(rows);
    assert.ok(rows.at(-1).id < BOOKS, 'scrolled up from the end');
  }, { timeout: 20_000 });

  // Sorted by title, End shows the last book of that order: the by-title index's last entry.
  await page.getByRole('button', { name: 'Title', exact: true }).click();
  await waitFor(async () => assert.equal(await table(page).getByRole('columnheader', { name: 'Title' }).getAttribute('aria-sort'), 'ascending'));
  await scroller.focus();
  await page.keyboard.press('End');
  const last = await lastByTitle(page);
  await waitFor(async () => {
    const rows = await settledRows(page);
    assert.equal(rows.at(-1).position, BOOKS - 1);
    assert.deepEqual({ id: rows.at(-1).id, title: rows.at(-1).title }, last, 'the last row is the last book by title');
  }, { timeout: 30_000 });
  assert.equal((await readTable(page)).length, (await shownRows(page)).length);
  t.diagnostic(`whole test ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, { timeout: 360_000 });
