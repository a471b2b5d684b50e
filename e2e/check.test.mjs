// "Do I own this?": one box on the catalogue page and on #/check that answers from the catalogue
// as you type: an ISBN-13 or ISBN-10 with or without hyphens (each finds the other), a few words
// of title and author with typos, digits and Enter from a barcode scanner; "Add it" opens the add
// form filled in; and the search's "Did you mean" when a search finds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  useApp, waitFor, addForm, field, expectCount, isFocused, DIST,
} from './helpers.mjs';

const appTest = useApp();

/** A small catalogue: The Hobbit (with an ISBN, two copies, a place and a loan) and three more. */
const CATALOGUE = [
  {
    title: 'The Hobbit', author: 'J. R. R. Tolkien', genre: 'Fantasy', isbn: '9780261103344',
    copies: 2, location: 'Study, shelf 3',
    loans: [{ borrower: 'Ada', lent_on: '2026-11-20', due: '2099-01-15' }],
  },
  { title: 'The Hobbit Companion', author: 'David Day', genre: 'Reference' },
  { title: 'Dune', author: 'Frank Herbert', genre: 'Science fiction', isbn: '9780441172719' },
  { title: 'Capital', author: 'Thomas Piketty', genre: 'Economics', isbn: '9780674430006' },
];

async function importCatalogue(page) {
  await page.getByLabel('Import', { exact: true }).setInputFiles({
    name: 'books.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(CATALOGUE)),
  });
  await page.getByRole('button', { name: `Import ${CATALOGUE.length} books`, exact: true }).click();
  await expectCount(page, `${CATALOGUE.length} books`);
}

const box = (page) => page.getByLabel('Do I own this?', { exact: true });
const answer = (page) => page.locator('#check-answer');

/** Waits until the answer's text matches `pattern`, and returns it. */
async function answerMatches(page, pattern) {
  let text = '';
  await waitFor(async () => {
    text = (await answer(page).textContent()).replace(/\s+/g, ' ').trim();
    assert.match(text, pattern);
  }, { message: `the answer matching ${pattern}` });
  return text;
}

appTest('an ISBN in any form, typed or scanned, answers Yes with copies, place and loan', async ({ page }) => {
  await importCatalogue(page);
  const forms = [
    '9780261103344', '978-0-261-10334-4', '978 0 261 10334 4', '0261103342', '0-261-10334-2',
  ];
  for (const isbn of forms) {
    // Emptied first, so that each form's own answer is read.
    await box(page).fill('');
    await answerMatches(page, /^$/);
    await box(page).fill(isbn);
    const text = await answerMatches(page, /^Yes/);
    assert.match(text, /The Hobbit by J\. R\. R\. Tolkien/);
    assert.match(text, /ISBN 9780261103344 \(ISBN-10 0261103342\)/);
    assert.match(text, /2 copies/);
    assert.match(text, /at Study, shelf 3/);
    assert.match(text, /on loan to Ada until 2099-01-15/);
    assert.doesNotMatch(text, /Companion/, `${isbn} finds only the book with that ISBN`);
  }
  // The book's title links to its page.
  await answer(page).getByRole('link', { name: 'The Hobbit', exact: true }).click();
  await page.getByRole('heading', { name: 'The Hobbit', level: 2, exact: true }).waitFor();
});

appTest('a barcode scanner types digits and Enter on #/check: the answer, and the next scan replaces the text', async ({ page, go }) => {
  await importCatalogue(page);
  await page.getByRole('link', { name: 'Check a book', exact: true }).click();
  await page.getByRole('heading', { name: 'Check a book', level: 2 }).waitFor();
  await waitFor(async () => assert.ok(await isFocused(box(page)), 'the box has the focus, ready to scan'));
  // A scanner is a keyboard that types fast and ends with Enter.
  await page.keyboard.type('9780441172719', { delay: 5 });
  await page.keyboard.press('Enter');
  assert.match(await answerMatches(page, /^Yes/), /Dune by Frank Herbert/);
  // Enter selected the text: the next scan replaces it.
  await page.keyboard.type('9780674430006', { delay: 5 });
  await page.keyboard.press('Enter');
  assert.equal(await box(page).inputValue(), '9780674430006');
  await answerMatches(page, /^Yes.*Capital by Thomas Piketty/);
  // On the way, digits that are not yet an ISBN say so instead of answering.
  await box(page).fill('978044');
  await answerMatches(page, /An ISBN has 10 or 13 digits: 6 so far/);
  await box(page).fill('9780441172718');
  await answerMatches(page, /That is not an ISBN: the check digit is 8 but the other digits call for 9/);
  await go('#/check');
  await box(page).waitFor();
});

appTest('words with typos find the book, exact and prefix matches first', async ({ page }) => {
  await importCatalogue(page);
  await box(page).fill('hobit tolkein');
  let text = await answerMatches(page, /^Yes/);
  assert.match(text, /The Hobbit by J\. R\. R\. Tolkien/);
  assert.doesNotMatch(text, /Companion/);

  await box(page).fill('the hobbit');
  await answerMatches(page, /^Yes.*Companion/);
  const titles = await answer(page).getByRole('link').allTextContents();
  assert.deepEqual(titles, ['The Hobbit', 'The Hobbit Companion'], 'the exact title first');

  await box(page).fill('dun herb');
  await answerMatches(page, /^Yes.*Dune by Frank Herbert/);
});

appTest('Not in your catalogue: Add it opens the add form filled with the ISBN or the words', async ({ page }) => {
  await importCatalogue(page);
  await box(page).fill('0-14-044913-2');
  await answerMatches(page, /^Not in your catalogue/);
  await page.getByRole('button', { name: 'Add it', exact: true }).click();
  const form = addForm(page);
  await waitFor(async () => assert.equal(await field(form, 'ISBN').inputValue(), '9780140449136'));
  await waitFor(async () => assert.ok(await isFocused(field(form, 'Title')), 'Title takes the focus'));
  await field(form, 'Title').fill('Crime and Punishment');
  await field(form, 'Author').fill('Fyodor Dostoevsky');
  await form.getByRole('button', { name: 'Add book' }).click();
  await expectCount(page, '5 books');
  // Now it is owned: the same ISBN answers Yes (the box kept it; the answer follows the catalogue).
  await box(page).fill('9780140449136');
  await answerMatches(page, /^Yes.*Crime and Punishment/);

  // From #/check, Add it goes to the catalogue page with the words as the title.
  await page.getByRole('link', { name: 'Check a book', exact: true }).click();
  await box(page).fill('The Name of the Wind');
  await answerMatches(page, /^Not in your catalogue/);
  await page.getByRole('button', { name: 'Add it', exact: true }).click();
  await waitFor(async () => assert.equal(await field(addForm(page), 'Title').inputValue(), 'The Name of the Wind'));
  assert.equal(new URL(page.url()).hash, '#/');
});

appTest('a search that finds nothing offers the closest title', async ({ page }) => {
  await importCatalogue(page);
  const search = page.getByLabel('Search', { exact: true });
  await search.fill('hobit');
  await page.getByText('No books match “hobit”.').waitFor();
  const suggestion = page.getByRole('button', { name: 'The Hobbit', exact: true });
  await suggestion.waitFor();
  assert.match(await page.locator('p.empty').textContent(), /No books match “hobit”\. Did you mean The Hobbit\?/);
  await suggestion.click();
  assert.equal(await search.inputValue(), 'The Hobbit');
  await expectCount(page, `2 of ${CATALOGUE.length} books`);
});

test('the installed app offers "Do I own this?" as a shortcut to #/check (dist/manifest.webmanifest)', () => {
  const manifest = JSON.parse(readFileSync(path.join(DIST, 'manifest.webmanifest'), 'utf8'));
  const shortcut = manifest.shortcuts?.find((s) => s.name === 'Do I own this?');
  assert.ok(shortcut, 'a shortcut named "Do I own this?"');
  // Relative, so that it works from any sub-path the bundle is served under.
  assert.equal(shortcut.url, './#/check');
  for (const icon of shortcut.icons ?? []) {
    assert.ok(readFileSync(path.join(DIST, icon.src)).length > 0, `${icon.src} is in dist/`);
  }
});
