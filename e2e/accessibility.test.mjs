// axe-core on every view of the app, in the light and the dark colour scheme: no violations. The
// views: the catalogue (empty, with books, with a field refused), a book's page, not-found, the
// Edit dialog, the notices (a confirmation, a delete with its Undo, an error), the import preview
// and an import refused with a message; "Do I own this?" with its answers, "Did you mean", and
// the Sync page (idle, and with an address refused).

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import {
  useApp, addBook, addForm, expectCount, expectFieldError, field, rowFor, waitForList,
} from './helpers.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const appTest = useApp();

async function violations(page) {
  // The app's Content-Security-Policy forbids injected scripts; evaluate runs axe's source instead.
  const results = await page.evaluate(async (source) => {
    if (!window.axe) (0, eval)(source);
    const run = await window.axe.run(document, { resultTypes: ['violations'] });
    return run.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  }, axeSource);
  return results;
}

/**
 * In the page: whether the dark scheme is asked for, and whether the page looks dark (its
 * background darker than its text), so that a dark run is known to have checked dark colours.
 */
function scheme() {
  const luminance = (color) => {
    const [r, g, b] = color.match(/\d+(\.\d+)?/g).map(Number);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const style = getComputedStyle(document.body);
  return {
    dark: matchMedia('(prefers-color-scheme: dark)').matches,
    looksDark: luminance(style.backgroundColor) < luminance(style.color),
  };
}

/**
 * Runs axe on the page as it is, once in each colour scheme, and asserts no violations in
 * either. `stillShown` (a locator) must still be there after the runs: the view was checked as
 * named, not after it went away (confirmations vanish after a few seconds).
 */
async function checkView(page, what, stillShown) {
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    const now = await page.evaluate(scheme);
    assert.deepEqual(now, { dark: colorScheme === 'dark', looksDark: colorScheme === 'dark' },
      `${what}: the page shows its ${colorScheme} colours`);
    assert.deepEqual(await violations(page), [], `${what}, ${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: null });
  if (stillShown) assert.ok(await stillShown.isVisible(), `${what}: still shown after the axe runs`);
}

/** A notice (confirmation or error) whose text contains `text`. */
const notice = (page, text) => page.locator('.notices p.notice').filter({ hasText: text });

// Guards: the catalogue, a book's page and not-found meet WCAG (as axe checks it) in both schemes.
appTest('axe-core finds no violations in the catalogue, a book page and not-found, light and dark', async ({ page, go }) => {
  await checkView(page, 'empty catalogue');
  await page.getByRole('button', { name: 'Add sample books' }).click();
  await expectCount(page, '3 books');
  await addBook(page, { title: 'Accessible Book', author: 'A. Author', genre: 'Reference' });
  await checkView(page, 'catalogue with books and an "Added" notice', notice(page, 'Added “Accessible Book”'));

  // The add form with its fields refused: the error texts and the invalid borders.
  await addForm(page).getByRole('button', { name: 'Add book', exact: true }).click();
  await expectFieldError(field(addForm(page), 'Title'), /required/);
  await checkView(page, 'add form with field errors');

  await go('#/books/1');
  await page.getByRole('heading', { name: 'The Hobbit' }).waitFor();
  await checkView(page, 'book page');
  await go('#/books/999');
  await page.getByRole('heading', { name: 'Book not found' }).waitFor();
  await checkView(page, 'not found');
});

// Guards: the Edit dialog and every kind of notice (with Undo, with Dismiss, an error) in both
// schemes.
appTest('axe-core finds no violations in the Edit dialog and the notices, light and dark', async ({ page, context, baseUrl }) => {
  await page.getByRole('button', { name: 'Add sample books' }).click();
  await expectCount(page, '3 books');
  await page.getByRole('button', { name: 'Edit The Hobbit', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit The Hobbit' });
  await dialog.waitFor();
  await checkView(page, 'edit dialog', dialog);

  // An error notice: the book is deleted in another tab while this one edits it.
  const other = await context.newPage();
  await other.goto(baseUrl);
  await waitForList(other);
  await other.getByRole('button', { name: 'Delete The Hobbit', exact: true }).click();
  await rowFor(page, 'The Hobbit').waitFor({ state: 'detached' });
  await other.close();
  await field(dialog, 'Genre').fill('Changed');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  const error = page.getByRole('alert').filter({ hasText: 'was not found' });
  await error.waitFor();
  await checkView(page, 'an error notice', error);

  // A delete's confirmation with its Undo, beside the error.
  await page.getByRole('button', { name: 'Delete 1987', exact: true }).click();
  const deleted = notice(page, 'Deleted “1987”.');
  await deleted.getByRole('button', { name: 'Undo', exact: true }).waitFor();
  await checkView(page, 'a delete notice with Undo', deleted);
});

// Guards: the import preview (refused lines, duplicates, ids renumbered) and an import refused
// with a message, in both schemes.
appTest('axe-core finds no violations in the import preview and an import message, light and dark', async ({ page }) => {
  await addBook(page, { title: 'Already Here', author: 'Someone', genre: '' });
  const file = [
    'id,title,author,genre',
    '1,A New Book,New Author,Essays',
    ',Already Here,Someone,',
    ',No Author,,',
    ',Another New Book,Second Author,',
  ].join('\n');
  await page.getByLabel('Import', { exact: true }).setInputFiles({ name: 'mixed.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
  const preview = page.getByRole('group', { name: /^Import preview/ });
  await preview.waitFor();
  const summary = await preview.textContent();
  for (const part of [/2 books will be added/, /1 line refused/, /look like books you already have/, /carry an id/]) {
    assert.match(summary, part, 'the preview shows each of its parts');
  }
  await checkView(page, 'import preview', preview);
  await preview.getByRole('button', { name: 'Cancel', exact: true }).click();
  await preview.waitFor({ state: 'detached' });

  await page.getByLabel('Import', { exact: true }).setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('no books here\n') });
  const message = page.locator('.transfer [role="alert"]');
  await message.waitFor();
  await checkView(page, 'an import refused with a message', message);
});

// "Do I own this?" on its own page, with each of its answers, and "Did you mean" in the table.
appTest('axe-core finds no violations in "Do I own this?" and its answers, light and dark', async ({ page, go }) => {
  await page.getByRole('button', { name: 'Add sample books' }).click();
  await expectCount(page, '3 books');
  await go('#/check');
  const box = page.getByLabel('Do I own this?', { exact: true });
  await checkView(page, '#/check, empty');
  await box.fill('hobit tolkein');
  const yes = page.locator('#check-answer').getByText('Yes', { exact: true });
  await yes.waitFor();
  await checkView(page, '#/check answering Yes', yes);
  await box.fill('9780140449136');
  const no = page.getByRole('button', { name: 'Add it', exact: true });
  await no.waitFor();
  await checkView(page, '#/check answering Not in your catalogue', no);
  await box.fill('97801404');
  const typing = page.getByText('An ISBN has 10 or 13 digits: 8 so far.');
  await typing.waitFor();
  await checkView(page, '#/check with digits on the way', typing);

  await go('#/');
  await page.getByLabel('Search', { exact: true }).fill('mockingbrd');
  const suggestion = page.getByRole('button', { name: 'To Kill a Mockingbird', exact: true });
  await suggestion.waitFor();
  await checkView(page, 'a search with "Did you mean"', suggestion);
});

appTest('axe-core finds no violations on the Sync page, idle and with a refusal, light and dark', async ({ page, go }) => {
  await go('#/sync');
  const form = page.getByRole('form', { name: 'Sync settings' });
  await form.waitFor();
  await checkView(page, '#/sync, idle', form);
  // An address refused before anything is sent: the page says why, as an alert.
  await page.getByLabel('Server', { exact: true }).fill('http://example.com');
  await page.getByRole('button', { name: 'Sync now' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'https://' });
  await alert.waitFor();
  await checkView(page, '#/sync with a refusal', alert);
});
