// The catalogue does not move as it opens (README, "The page does not move as it opens"): of the
// layout shifts the browser reports from the first paint until the page is whole, none moves
// anything sideways, and they add up to less than 0.01 (the Core Web Vitals call under 0.1
// good). Before, the centred page moved sideways when the scrollbar appeared, and the Import and
// export section could arrive before the table's rows and be pushed down by them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TIMEOUT, bookRows, useBrowserAndServer, waitForList } from './helpers.mjs';

// Scrollbars shown: a hidden one takes no room, so it could not move the page.
const handles = useBrowserAndServer({ scrollbars: true });

/** Every layout shift of the page from its start, as the browser reports them. */
function recordShifts() {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      const nodes = entry.sources.map((source) => ({
        node: source.node?.nodeName?.toLowerCase() + (source.node?.className ? `.${source.node.className}` : ''),
        sideways: source.previousRect.x !== source.currentRect.x,
      }));
      window.__shifts.push({ value: entry.value, nodes });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

/** Opens the catalogue and waits until the page is whole; returns the shifts seen. */
async function openAndMeasure(page, url) {
  await page.goto(url);
  await waitForList(page);
  await page.getByRole('heading', { name: 'Import and export', level: 2, exact: true }).waitFor();
  await page.locator('footer.storage').waitFor();
  // Late arrivals (the storage estimate, the sample-books part) have their moment.
  await page.waitForTimeout(1_000);
  return page.evaluate(() => window.__shifts);
}

const total = (shifts) => shifts.reduce((sum, shift) => sum + shift.value, 0);

for (const [name, books] of [['an empty catalogue', false], ['a catalogue with books', true]]) {
  test(`${name} opens without moving`, { timeout: 120_000 }, async () => {
    // A window shorter than the page: the scrollbar appears as the page fills.
    const context = await handles.browser.newContext({ viewport: { width: 1280, height: 700 } });
    context.setDefaultTimeout(TIMEOUT);
    try {
      const page = await context.newPage();
      if (books) {
        await page.goto(handles.server.url);
        await waitForList(page);
        await page.getByRole('button', { name: 'Add sample books', exact: true }).click();
        await bookRows(page).first().waitFor();
      }
      await page.addInitScript(recordShifts);
      const shifts = await openAndMeasure(page, handles.server.url);
      if (books) assert.ok(await bookRows(page).count() > 0, 'the rows are shown');
      assert.ok(await page.evaluate(() => innerWidth > document.documentElement.clientWidth),
        'the page is taller than the window and its scrollbar takes room');
      const sideways = shifts.flatMap((shift) => shift.nodes).filter((source) => source.sideways);
      assert.deepEqual(sideways, [], 'nothing moves sideways (the scrollbar\'s room is kept)');
      assert.ok(total(shifts) < 0.01,
        `the page moved as it opened: ${total(shifts).toFixed(4)} (${JSON.stringify(shifts)})`);
    } finally {
      await context.close();
    }
  });
}
