// The Statistics page (issue 16), driven by the labels it promises: a known catalogue imported as
// Bookshelf JSON, then every chart's table against the numbers worked out by hand, the Year
// choice, the reading goal ("3 of 40 books"), series progress and loans; the page kept current
// after an edit in this tab and in another; axe-core on the page, light and dark, tables open.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { useApp, waitFor, expectCount, readTable, waitForList } from './helpers.mjs';

const appTest = useApp();
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The year before last, where one reading finished (a fixed year with no other reads). */
const PAST = 2024;

/** The catalogue, with this year's readings in `year`. */
function catalogue(year) {
  return [
    {
      title: 'Guards! Guards!', author: 'Terry Pratchett', genre: 'Fantasy', status: 'read', rating: 4.5,
      pages: 300, series: { name: 'Discworld', number: 8 }, tags: ['owned'], format: 'paperback',
      readings: [{ finished: `${year}-03-02` }, { started: `${year}-03-10`, finished: `${year}-03-20` }],
    },
    {
      title: 'Mort', author: 'Terry Pratchett', genre: 'Fantasy', status: 'read', rating: 4, pages: 200,
      series: { name: 'Discworld', number: 4 }, tags: ['owned', 'favourites'], format: 'hardcover',
      readings: [{ finished: `${year}-05-01` }],
    },
    {
      title: 'Small Gods', author: 'Terry Pratchett', genre: 'Fantasy', status: 'want-to-read', pages: 250,
      series: { name: 'Discworld', number: 13 }, format: 'paperback',
    },
    {
      title: 'Dune', author: 'Frank Herbert', genre: 'Science fiction', status: 'read', rating: 5, pages: 600,
      format: 'ebook', readings: [{ finished: `${PAST}-11-11` }],
    },
    {
      title: 'Emma', author: 'Jane Austen', genre: 'Classics', status: 'did-not-finish', rating: 2,
      loans: [{ borrower: 'Ann', lent_on: '2020-01-01', due: '2020-01-15' }],
    },
    {
      title: 'Persuasion', author: 'Jane Austen', genre: 'Classics', status: 'reading', rating: 3.25,
      loans: [{ borrower: 'Bob', lent_on: '2020-01-01', due: '2099-01-01' }],
    },
    { title: 'Untouched', author: 'Anne Author', genre: '' },
  ];
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];

/** Twelve months of zeros, with `numbers` ({ March: 2 }) set. */
const months = (numbers) => MONTHS.map((month) => [month, String(numbers[month] ?? 0)]);

/** This year and this month on the page's own calendar. */
const now = (page) => page.evaluate(() => ({ year: new Date().getFullYear(), month: new Date().getMonth() }));

/** Imports the catalogue through the Import control and waits for its 7 books. */
async function importCatalogue(page, year) {
  const text = JSON.stringify(catalogue(year));
  await page.getByLabel('Import', { exact: true }).setInputFiles({ name: 'stats.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await page.getByRole('group', { name: /^Import preview/ }).waitFor({ state: 'visible', timeout: 30_000 });
  await page.getByRole('button', { name: 'Import 7 books', exact: true }).click();
  await expectCount(page, '7 books');
}

/** Opens the Statistics page by its link and waits until it has counted `n` books. */
async function openStats(page, n) {
  await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Statistics' }).click();
  await page.getByRole('heading', { name: 'Statistics', level: 2 }).waitFor();
  await counted(page, n);
}

/** Waits until the page says it counted `n` books. */
async function counted(page, n) {
  await waitFor(async () => assert.equal((await page.locator('#stats-progress').textContent()).trim(), `Counted ${n} books.`));
}

/** The chart captioned `title`. */
const figure = (page, title) => page.getByRole('figure', { name: title, exact: true });

/** Opens the chart's table (once) and returns its body rows as [name, number] pairs. */
async function chartTable(page, title) {
  const chart = figure(page, title);
  const toggle = chart.getByRole('button', { name: 'Show as table' });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  const table = chart.getByRole('table', { name: title });
  await table.waitFor({ state: 'visible' });
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent.trim())));
}

/** The picture's accessible name. */
const pictureLabel = (page, title) => figure(page, title).getByRole('img').getAttribute('aria-label');

appTest('the charts\' tables, the year, the goal, series and loans match a known catalogue', async ({ page }) => {
  const { year } = await now(page);
  await importCatalogue(page, year);
  await openStats(page, 7);

  assert.deepEqual(await chartTable(page, `Books read per month in ${year}`), months({ March: 2, May: 1 }));
  assert.equal(await pictureLabel(page, `Books read per month in ${year}`),
    `Books read per month in ${year}. Most books read in March: 2`);
  assert.deepEqual(await chartTable(page, `Pages read per month in ${year}`), months({ March: 600, May: 200 }));
  assert.deepEqual(await chartTable(page, 'Books read per year'), [[String(PAST), '1'], [String(year), '3']]);
  assert.deepEqual(await chartTable(page, 'Pages read per year'), [[String(PAST), '600'], [String(year), '800']]);
  assert.deepEqual(await chartTable(page, 'Books by status'), [
    ['Want to read', '1'], ['Reading', '1'], ['Read', '3'], ['Did not finish', '1'], ['No status', '1'],
  ]);
  assert.deepEqual(await chartTable(page, 'Top authors'), [
    ['Terry Pratchett', '3'], ['Jane Austen', '2'], ['Anne Author', '1'], ['Frank Herbert', '1'],
  ]);
  assert.equal(await pictureLabel(page, 'Top authors'), 'Top authors. Most books by Terry Pratchett: 3');
  assert.deepEqual(await chartTable(page, 'Top genres'), [['Fantasy', '3'], ['Classics', '2'], ['Science fiction', '1']]);
  assert.deepEqual(await chartTable(page, 'Top tags'), [['owned', '2'], ['favourites', '1']]);
  assert.deepEqual(await chartTable(page, 'Ratings, to the nearest whole star'), [
    ['1 star', '0'], ['2 stars', '1'], ['3 stars', '1'], ['4 stars', '1'], ['5 stars', '2'],
  ]);
  assert.deepEqual(await chartTable(page, 'Books by format'), [
    ['Hardcover', '1'], ['Paperback', '2'], ['Ebook', '1'], ['Audiobook', '0'], ['Other', '0'], ['No format', '3'],
  ]);
  await page.getByText('Discworld: 2 of 13 read', { exact: true }).waitFor();
  await page.getByText('On loan: 2', { exact: true }).waitFor();
  await page.getByText('Overdue: 1', { exact: true }).waitFor();

  // The goal: none set, then 40 (remembered for this year only).
  await page.getByText(`3 books read in ${year}`, { exact: true }).waitFor();
  await page.getByLabel('Reading goal', { exact: true }).fill('40');
  await page.getByText('3 of 40 books', { exact: true }).waitFor();

  // Another year: its months, and its own goal (none).
  const years = await page.getByLabel('Year', { exact: true }).locator('option').allTextContents();
  assert.deepEqual(years, [String(year), String(PAST)]);
  await page.getByLabel('Year', { exact: true }).selectOption(String(PAST));
  assert.deepEqual(await chartTable(page, `Books read per month in ${PAST}`), months({ November: 1 }));
  assert.deepEqual(await chartTable(page, `Pages read per month in ${PAST}`), months({ November: 600 }));
  await page.getByText(`1 book read in ${PAST}`, { exact: true }).waitFor();
  assert.equal(await page.getByLabel('Reading goal', { exact: true }).inputValue(), '');
  await page.getByLabel('Year', { exact: true }).selectOption(String(year));
  await page.getByText('3 of 40 books', { exact: true }).waitFor();

  // The goal survives a reload.
  await page.reload();
  await counted(page, 7);
  await page.getByText('3 of 40 books', { exact: true }).waitFor();
  assert.equal(await page.getByLabel('Reading goal', { exact: true }).inputValue(), '40');
});

appTest('the statistics follow an edit in this tab and one in another tab, without a reload', async ({ page, context, baseUrl }) => {
  const { year, month } = await now(page);
  await importCatalogue(page, year);
  const ids = Object.fromEntries((await readTable(page)).map((row) => [row.Title, row.ID]));
  await openStats(page, 7);
  const perMonth = `Books read per month in ${year}`;
  const base = { March: 2, May: 1 };
  assert.deepEqual(await chartTable(page, perMonth), months(base));

  // In this tab: "Small Gods" marked as read on its page, then back to the statistics.
  await page.evaluate((id) => { window.location.hash = `#/books/${id}`; }, ids['Small Gods']);
  await page.getByRole('heading', { name: 'Small Gods', level: 2 }).waitFor();
  await page.getByRole('button', { name: 'Mark as read', exact: true }).click();
  await page.getByText('Marked “Small Gods” as read.').waitFor();
  await openStats(page, 7);
  const once = { ...base, [MONTHS[month]]: (base[MONTHS[month]] ?? 0) + 1 };
  assert.deepEqual(await chartTable(page, perMonth), months(once));
  await page.getByText('Discworld: 3 of 13 read', { exact: true }).waitFor();
  assert.deepEqual((await chartTable(page, 'Books by status'))[2], ['Read', '4']);

  // In another tab: "Emma" returned and "Untouched" deleted, while this page stays open.
  const other = await context.newPage();
  await other.goto(baseUrl);
  await waitForList(other);
  await other.getByRole('button', { name: 'Delete Untouched', exact: true }).click();
  await expectCount(other, '6 books');
  await other.goto(`${baseUrl}#/books/${ids.Emma}`);
  await other.getByRole('heading', { name: 'Emma', level: 2 }).waitFor();
  await other.getByRole('button', { name: 'Mark as read', exact: true }).click();
  await other.getByText('Marked “Emma” as read.').waitFor();
  await other.close();

  await counted(page, 6);
  const twice = { ...once, [MONTHS[month]]: once[MONTHS[month]] + 1 };
  await waitFor(async () => assert.deepEqual(await chartTable(page, perMonth), months(twice)));
  assert.deepEqual(await chartTable(page, 'Top authors'), [
    ['Terry Pratchett', '3'], ['Jane Austen', '2'], ['Frank Herbert', '1'],
  ], 'the table stays open, with the new numbers');
  await page.getByText(`${3 + 2} books read in ${year}`, { exact: true }).waitFor();
});

async function violations(page) {
  return page.evaluate(async (source) => {
    if (!window.axe) (0, eval)(source);
    const run = await window.axe.run(document, { resultTypes: ['violations'] });
    return run.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  }, axeSource);
}

appTest('axe-core finds no violations on the Statistics page, empty and counted, tables shown, light and dark', async ({ page }) => {
  const { year } = await now(page);
  await openStats(page, 0);
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    assert.deepEqual(await violations(page), [], `empty statistics, ${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: null });
  await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Books' }).click();
  await waitForList(page);
  await importCatalogue(page, year);
  await openStats(page, 7);
  for (const title of [`Books read per month in ${year}`, 'Top authors', 'Books by format']) await chartTable(page, title);
  await page.getByLabel('Reading goal', { exact: true }).fill('12');
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    assert.deepEqual(await violations(page), [], `statistics with tables shown, ${colorScheme}`);
  }
});
