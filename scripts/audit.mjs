// `make audit`: Lighthouse (performance, accessibility, best practices, SEO) on the release bundle,
// served under a sub-path with compression as a static host would, with Debian's Chromium.
// Lighthouse is fetched from npm on first use (npx) rather than kept in package.json: it is large
// and only this command needs it. Prints the scores and every audit that is not perfect.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from './serve.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const dist = path.resolve(process.argv[2] || 'dist');
const server = await startServer({ dir: dist, basePath: '/tools/bookshelf/' });
const out = mkdtempSync(path.join(tmpdir(), 'bookshelf-audit-'));
const flags = CHROMIUM_ARGS.join(' ');

try {
  for (const preset of ['mobile', 'desktop']) {
    const report = path.join(out, `${preset}.json`);
    execFileSync('npx', [
      '--yes', 'lighthouse@12', server.url, '--quiet', `--chrome-flags=${flags}`,
      '--only-categories=performance,accessibility,best-practices,seo',
      '--output=json', `--output-path=${report}`,
      ...(preset === 'desktop' ? ['--preset=desktop'] : []),
    ], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH || CHROMIUM_PATH } });
    const result = JSON.parse(readFileSync(report, 'utf8'));
    const scores = Object.values(result.categories).map((c) => `${c.title} ${Math.round(c.score * 100)}`).join(', ');
    console.log(`Lighthouse (${preset}): ${scores}`);
    for (const audit of Object.values(result.audits)) {
      if (audit.score !== null && audit.score < 1 && !['informative', 'notApplicable', 'manual'].includes(audit.scoreDisplayMode)) {
        console.log(`  - ${audit.id}: ${audit.displayValue || audit.score}`);
      }
    }
  }
} finally {
  await server.close();
}
