// axe-core on every view of the app: no violations.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { useApp, addBook } from './helpers.mjs';

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

appTest('axe-core finds no violations in the catalogue, the dialog, a book page and not-found', async ({ page, go }) => {
  assert.deepEqual(await violations(page), [], 'empty catalogue');
  await page.getByRole('button', { name: 'Add sample books' }).click();
  await addBook(page, { title: 'Accessible Book', author: 'A. Author', genre: 'Reference' });
  assert.deepEqual(await violations(page), [], 'catalogue with books');
  await page.getByRole('button', { name: 'Edit Accessible Book' }).click();
  await page.getByRole('dialog').waitFor();
  assert.deepEqual(await violations(page), [], 'edit dialog');
  await page.keyboard.press('Escape');
  await go('#/books/1');
  await page.getByRole('heading', { name: 'The Hobbit' }).waitFor();
  assert.deepEqual(await violations(page), [], 'book page');
  await go('#/books/999');
  await page.getByRole('heading', { name: 'Book not found' }).waitFor();
  assert.deepEqual(await violations(page), [], 'not found');
});
