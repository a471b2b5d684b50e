// "Scan barcode" (issue 16), on `#/check`. The camera flow with a stand-in BarcodeDetector and a
// stand-in camera (a canvas stream) injected before the app loads: the ISBN lands in the "Do I
// own this?" box and every camera track has ended (the camera is never left on: after a result,
// on Cancel, and when the page is left). The photo flow (headless Chromium on Linux has no
// BarcodeDetector): EAN-13 pictures drawn here, sharp, blurred, turned a little and noisy, given
// to "Photo of the barcode", read by the barcode worker, which is fetched on the first photo only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../scripts/serve.mjs';
import { useApp, waitFor, launchBrowser, DIST, TIMEOUT } from './helpers.mjs';

const appTest = useApp();

const checkBox = (page) => page.getByLabel('Do I own this?', { exact: true });
const scanButton = (page) => page.getByRole('button', { name: 'Scan barcode', exact: true });
const photoInput = (page) => page.getByLabel('Photo of the barcode');
const scanStatus = (page) => page.locator('.scan-status');

async function expectBoxValue(page, value) {
  await waitFor(async () => assert.equal(await checkBox(page).inputValue(), value), {
    message: `the "Do I own this?" box should hold ${value}`,
  });
}

/** Waits until "Do I own this?" answers matching `pattern` (the scan was answered, not only typed in). */
async function expectAnswer(page, pattern) {
  await waitFor(async () => assert.match((await page.locator('#check-answer').textContent()).trim(), pattern), {
    message: `the answer should match ${pattern}`,
  });
}

// --- The stand-in camera and detector ----------------------------------------------------------

/**
 * Runs in the page before the app: a BarcodeDetector that reads `rawValue` on its third call
 * (never, with `finds: null`), and a getUserMedia that answers with a canvas's stream (or
 * refuses, with `refuse`), recording every track it hands out in `window.__tracks`.
 */
function standIns({ finds, refuse }) {
  window.__tracks = [];
  window.__detectCalls = 0;
  window.BarcodeDetector = class {
    static async getSupportedFormats() { return ['qr_code', 'ean_13', 'ean_8']; }
    constructor(options) { window.__detectorOptions = options; this.calls = 0; }
    async detect(source) {
      this.calls += 1;
      window.__detectCalls += 1;
      window.__detectSource = source && source.tagName;
      return finds && this.calls > 2 ? [{ rawValue: finds, format: 'ean_13' }] : [];
    }
  };
  if (!navigator.mediaDevices) Object.defineProperty(navigator, 'mediaDevices', { value: {} });
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    window.__constraints = JSON.parse(JSON.stringify(constraints));
    if (refuse) throw new DOMException('Permission denied', 'NotAllowedError');
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 240;
    canvas.getContext('2d').fillRect(0, 0, 40, 40);
    const stream = canvas.captureStream(10);
    window.__tracks.push(...stream.getTracks());
    return stream;
  };
}

async function withStandIns(page, options) {
  await page.addInitScript(standIns, { finds: '9780261103344', refuse: false, ...options });
  await page.reload();
  await scanButton(page).waitFor();
}

const trackStates = (page) => page.evaluate(() => window.__tracks.map((track) => track.readyState));

async function expectCameraOff(page, message) {
  await waitFor(async () => {
    const states = await trackStates(page);
    assert.ok(states.length > 0, 'the camera was opened');
    assert.deepEqual(states, states.map(() => 'ended'), 'every track has ended');
  }, { message });
}

appTest('with a BarcodeDetector, Scan barcode reads the ISBN from the back camera, then turns the camera off', async ({ page }) => {
  await withStandIns(page, {});
  await scanButton(page).click();
  await expectBoxValue(page, '9780261103344');
  await expectAnswer(page, /^Not in your catalogue/);
  await expectCameraOff(page, 'the camera is off once the ISBN is read');
  const seen = await page.evaluate(() => ({
    constraints: window.__constraints,
    options: window.__detectorOptions,
    calls: window.__detectCalls,
    source: window.__detectSource,
    videoHidden: document.querySelector('.scan video').closest('[hidden]') !== null,
    videoStream: document.querySelector('.scan video').srcObject,
  }));
  assert.deepEqual(seen.constraints, { video: { facingMode: 'environment' } });
  assert.deepEqual(seen.options, { formats: ['ean_13'] });
  assert.equal(seen.calls, 3, 'detection stops at the first ISBN');
  assert.equal(seen.source, 'VIDEO');
  assert.ok(seen.videoHidden, 'the video is hidden again');
  assert.equal(seen.videoStream, null, 'the video lets go of the stream');
}, { hash: '#/check' });

appTest('a barcode that is not an ISBN is not taken; Cancel scan turns the camera off', async ({ page }) => {
  await withStandIns(page, { finds: '4006381333931' });
  await scanButton(page).click();
  const cancel = page.getByRole('button', { name: 'Cancel scan', exact: true });
  await cancel.waitFor({ state: 'visible' });
  await waitFor(async () => assert.ok((await page.evaluate(() => window.__detectCalls)) >= 4));
  assert.deepEqual(await trackStates(page), ['live'], 'the camera is on while scanning');
  assert.ok(await page.locator('.scan video').isVisible(), 'the video shows while scanning');
  await cancel.click();
  await expectCameraOff(page, 'Cancel scan turns the camera off');
  await cancel.waitFor({ state: 'hidden' });
  assert.equal(await checkBox(page).inputValue(), '', 'nothing was put in the box');
}, { hash: '#/check' });

appTest('leaving the page while scanning turns the camera off', async ({ page, go }) => {
  await withStandIns(page, { finds: null });
  await scanButton(page).click();
  await page.getByRole('button', { name: 'Cancel scan', exact: true }).waitFor({ state: 'visible' });
  await go('#/stats');
  await expectCameraOff(page, 'the camera is off once the scanner is gone');
}, { hash: '#/check' });

appTest('a camera that is refused is said, and the photo input is offered', async ({ page }) => {
  await withStandIns(page, { refuse: true });
  await scanButton(page).click();
  await waitFor(async () => assert.match(await scanStatus(page).textContent(), /camera was not allowed/));
  assert.ok(await photoInput(page).isVisible(), 'the photo input is shown');
  assert.deepEqual(await trackStates(page), []);
}, { hash: '#/check' });

// --- Photos -----------------------------------------------------------------------------------

const DIGIT_RUNS = [
  [3, 2, 1, 1], [2, 2, 2, 1], [2, 1, 2, 2], [1, 4, 1, 1], [1, 1, 3, 2],
  [1, 2, 3, 1], [1, 1, 1, 4], [1, 3, 1, 2], [1, 2, 1, 3], [3, 1, 1, 2],
];
const PARITY = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];

/** The 95 modules (true: a bar) of the EAN-13 symbol of `code`. */
function eanModules(code) {
  const d = [...code].map(Number);
  const out = [true, false, true];
  const push = (runs, barFirst) => runs.forEach((width, i) => {
    for (let k = 0; k < width; k += 1) out.push((i % 2 === 0) === barFirst);
  });
  for (let i = 0; i < 6; i += 1) {
    const runs = DIGIT_RUNS[d[i + 1]];
    push(PARITY[d[0]][i] === 'G' ? [...runs].reverse() : runs, false);
  }
  out.push(false, true, false, true, false);
  for (let i = 7; i < 13; i += 1) push(DIGIT_RUNS[d[i]], true);
  out.push(true, false, true);
  assert.equal(out.length, 95);
  return out;
}

/**
 * A PNG of the barcode, drawn in the page: `module` px a module, blurred by `blur` px, turned
 * by `angle` degrees, with noise up to `noise` gray levels; `modules: null` draws no barcode.
 */
async function picture(page, modules, { module = 3, blur = 0, angle = 0, noise = 0 } = {}) {
  const dataUrl = await page.evaluate(({ modules, module, blur, angle, noise }) => {
    const quiet = 14 * module;
    const width = 95 * module + 2 * quiet;
    const height = 50 * module;
    const bars = document.createElement('canvas');
    bars.width = width;
    bars.height = height;
    const b = bars.getContext('2d');
    b.fillStyle = '#fff';
    b.fillRect(0, 0, width, height);
    b.fillStyle = '#1a1a1a';
    if (modules) modules.forEach((bar, i) => { if (bar) b.fillRect(quiet + i * module, 0, module, height); });
    else { b.font = '24px sans-serif'; b.fillText('The Hobbit, a cover with no barcode', 10, height / 2); }
    const out = document.createElement('canvas');
    out.width = width + 80;
    out.height = height + 80;
    const o = out.getContext('2d');
    o.fillStyle = '#f4f1ea';
    o.fillRect(0, 0, out.width, out.height);
    o.translate(out.width / 2, out.height / 2);
    o.rotate((angle * Math.PI) / 180);
    if (blur) o.filter = `blur(${blur}px)`;
    o.drawImage(bars, -width / 2, -height / 2);
    if (noise) {
      const image = o.getImageData(0, 0, out.width, out.height);
      let seed = 12345;
      for (let i = 0; i < image.data.length; i += 4) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const delta = ((seed / 2147483648) * 2 - 1) * noise;
        for (let c = 0; c < 3; c += 1) image.data[i + c] += delta;
      }
      o.putImageData(image, 0, 0);
    }
    return out.toDataURL('image/png');
  }, { modules, module, blur, angle, noise });
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

async function choosePhoto(page, name, buffer) {
  await photoInput(page).setInputFiles({ name, mimeType: 'image/png', buffer });
}

appTest('a photo of the barcode, sharp or blurred, turned and noisy, is read by the worker fetched on first use', async ({ page }) => {
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.reload();
  await scanButton(page).waitFor();
  assert.equal(await page.evaluate(() => 'BarcodeDetector' in window), false, 'this Chromium has no BarcodeDetector');
  assert.deepEqual(requests.filter((url) => /barcode/.test(url)), [], 'nothing of the barcode reader is fetched at load');

  await choosePhoto(page, 'sharp.png', await picture(page, eanModules('9780261103344')));
  await expectBoxValue(page, '9780261103344');
  await expectAnswer(page, /^Not in your catalogue/);
  const fetched = requests.filter((url) => /barcode/.test(url)).map((url) => new URL(url).pathname.split('/').pop());
  assert.deepEqual(fetched.sort(), ['barcode-worker.js', 'barcode-worker_bg.wasm', 'barcode-worker_loader.js'],
    'the first photo fetches the worker');

  const cases = [
    ['blurred.png', '9781492052593', { blur: 1.5 }],
    ['turned.png', '9791032305690', { angle: 3, noise: 12 }],
    ['blurred-turned.png', '9780140449136', { blur: 1.5, angle: -3, noise: 10, module: 3.5 }],
    ['small.png', '9782070612758', { module: 2 }],
  ];
  for (const [name, isbn, look] of cases) {
    await choosePhoto(page, name, await picture(page, eanModules(isbn), look));
    await expectBoxValue(page, isbn);
  }
  assert.equal(requests.filter((url) => /barcode-worker_bg\.wasm/.test(url)).length, 1, 'the worker is started once');
}, { hash: '#/check' });

appTest('a photo with no ISBN barcode is said so, and the box is left alone', async ({ page }) => {
  await checkBox(page).fill('Hobbit');
  await choosePhoto(page, 'cover.png', await picture(page, null));
  await waitFor(async () => assert.match(await scanStatus(page).textContent(), /^No ISBN barcode found in this photo: /));
  await choosePhoto(page, 'chocolate.png', await picture(page, eanModules('4006381333931')));
  await waitFor(async () => assert.match(await scanStatus(page).textContent(), /\(4006381333931\) is not an ISBN/));
  const notPicture = Buffer.from('not a picture at all');
  await photoInput(page).setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: notPicture });
  await waitFor(async () => assert.match(await scanStatus(page).textContent(), /could not be read as a picture/));
  assert.equal(await checkBox(page).inputValue(), 'Hobbit');
}, { hash: '#/check' });

test('offline and under a sub-path, a photo is still read: the worker is in the offline copy', { timeout: 120_000 }, async () => {
  const server = await startServer({ dir: DIST, basePath: '/tools/bookshelf/' });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    context.setDefaultTimeout(TIMEOUT);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    await page.goto(`${server.url}#/check`);
    await waitFor(async () => assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null)),
      { timeout: 20_000, message: 'the service worker controls the page' });
    await server.close();
    await context.setOffline(true);
    await page.reload();
    await scanButton(page).waitFor();
    await choosePhoto(page, 'offline.png', await picture(page, eanModules('9780261103344'), { blur: 1.2 }));
    await expectBoxValue(page, '9780261103344');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close().catch(() => {});
  }
});
