// `make audit`: Lighthouse (performance, accessibility, best practices, SEO) on the release bundle,
// served under a sub-path with compression as a static host would, with Debian's Chromium.
// Lighthouse is fetched from npm on first use (npx) rather than kept in package.json: it is large
// and only this command needs it. Prints the scores and every audit that is not perfect. The
// README's Lighthouse figures are these printed lines.
//
// Lighthouse runs as a child process awaited asynchronously: the server lives in this process,
// so a synchronous wait would leave it unable to answer (the page would never load).

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startServer } from './serve.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const dist = path.resolve(process.argv[2] || 'dist');
const server = await startServer({ dir: dist, basePath: '/tools/bookshelf/' });
const out = mkdtempSync(path.join(tmpdir(), 'bookshelf-audit-'));
const flags = CHROMIUM_ARGS.join(' ');
const run = promisify(execFile);
/** Lighthouse gets this long per preset (it takes under a minute on an idle machine). */
const TIMEOUT_MS = 5 * 60_000;

try {
  for (const preset of ['mobile', 'desktop']) {
    const report = path.join(out, `${preset}.json`);
    const child = run('npx', [
      '--yes', 'lighthouse@12', server.url, '--quiet', `--chrome-flags=${flags}`,
      '--only-categories=performance,accessibility,best-practices,seo',
      '--output=json', `--output-path=${report}`,
      ...(preset === 'desktop' ? ['--preset=desktop'] : []),
    ], { timeout: TIMEOUT_MS, killSignal: 'SIGTERM', env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH || CHROMIUM_PATH } });
    try {
      await child;
    } catch (error) {
      throw new Error(`lighthouse (${preset}) failed: ${error.stderr?.trim().split('\n').slice(-5).join('\n') || error.message}`);
    }
    const result = JSON.parse(readFileSync(report, 'utf8'));
    const scores = Object.values(result.categories).map((c) => `${c.title} ${Math.round(c.score * 100)}`).join(', ');
    console.log(`Lighthouse ${result.lighthouseVersion} (${preset}, ${new Date().toISOString().slice(0, 10)}): ${scores}`);
    for (const audit of Object.values(result.audits)) {
      if (audit.score !== null && audit.score < 1 && !['informative', 'notApplicable', 'manual'].includes(audit.scoreDisplayMode)) {
        console.log(`  - ${audit.id}: ${audit.displayValue || audit.score}`);
      }
    }
  }
} finally {
  await server.close();
}
