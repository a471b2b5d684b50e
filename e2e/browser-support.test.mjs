// The app needs WebAssembly SIMD (README): a browser without it is told so in place of a blank
// page, and a browser with it never sees the note. Headless Chromium has SIMD, so the browser
// without it is Chromium whose WebAssembly.validate answers no (the page's own check asks it).

import assert from 'node:assert/strict';
import { TIMEOUT, useBrowserAndServer, staysTrue } from './helpers.mjs';
import { test } from 'node:test';

const handles = useBrowserAndServer();
const note = (page) => page.getByRole('alert').filter({ hasText: 'needs WebAssembly SIMD' });

async function open(withoutSimd) {
  const context = await handles.browser.newContext();
  context.setDefaultTimeout(TIMEOUT);
  if (withoutSimd) await context.addInitScript(() => { WebAssembly.validate = () => false; });
  const page = await context.newPage();
  await page.goto(handles.server.url);
  return { context, page };
}

test('a browser without WebAssembly SIMD is told why Bookshelf cannot run', async () => {
  const { context, page } = await open(true);
  try {
    await note(page).waitFor();
    assert.match(await note(page).innerText(), /Chrome and Edge 91, Firefox 89 and Safari 16\.4/);
  } finally {
    await context.close();
  }
});

test('a browser with it never sees the note', async () => {
  const { context, page } = await open(false);
  try {
    await page.getByRole('table').or(page.getByText('No books yet')).first().waitFor();
    await staysTrue(async () => (await note(page).count()) === 0, { duration: 300 });
  } finally {
    await context.close();
  }
});
