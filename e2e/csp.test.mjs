// The release bundle's Content-Security-Policy (written by scripts/finish-build.mjs into the
// minified page): what it allows, read from the page as served, and that the browser enforces it —
// an injected script is refused while the app, started by the inline loader the policy allows by
// its hash, runs. And the build hook itself: it writes the same policy into the minified page
// again, and fails the build when it cannot.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useApp, addBook, expectCount, takeExpectedErrors, DIST, REPO_ROOT } from './helpers.mjs';

const appTest = useApp();

const CSP_META = /<meta\s[^>]*http-equiv\s*=\s*["']?content-security-policy["'\s>][^>]*>/gi;

/** The page as the server sends it. */
async function servedPage(app) {
  const response = await fetch(app.baseUrl);
  assert.equal(response.status, 200);
  return response.text();
}

/** The `content` of the one CSP <meta> in `html`. */
function policyText(html) {
  const metas = html.match(CSP_META) ?? [];
  assert.equal(metas.length, 1, 'exactly one Content-Security-Policy <meta> in the page');
  const content = /\scontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(metas[0]);
  assert.ok(content, `the CSP <meta> has a quoted content: ${metas[0]}`);
  return content[1] ?? content[2];
}

/** "a b; c d" -> Map { a => [b], c => [d] } */
function directives(policy) {
  return new Map(policy.split(';').map((part) => part.trim()).filter(Boolean).map((part) => {
    const [name, ...values] = part.split(/\s+/);
    return [name.toLowerCase(), values];
  }));
}

/** sha256 of every inline script body in `html`, as CSP hashes them ('sha256-<base64>'). */
function inlineScriptHashes(html) {
  return [...html.matchAll(/<script(?=[\s>])([^>]*)>([\s\S]*?)<\/script\s*>/gi)]
    .filter(([, attributes]) => !/(^|\s)src\s*=/i.test(attributes))
    .map(([, , body]) => `'sha256-${createHash('sha256').update(body.replace(/\r\n?/g, '\n')).digest('base64')}'`);
}

appTest('the page carries a strict Content-Security-Policy, before anything it governs', async (app) => {
  const html = await servedPage(app);
  const policy = directives(policyText(html));

  const scriptSrc = policy.get('script-src');
  assert.ok(scriptSrc, 'a script-src directive');
  assert.ok(scriptSrc.includes("'self'"), "script-src has 'self'");
  assert.ok(scriptSrc.includes("'wasm-unsafe-eval'"), "script-src has 'wasm-unsafe-eval' for the wasm");
  assert.ok(!scriptSrc.includes("'unsafe-inline'"), "script-src has no 'unsafe-inline'");
  assert.ok(!scriptSrc.includes("'unsafe-eval'"), "script-src has no 'unsafe-eval'");
  const hashes = scriptSrc.filter((value) => /^'sha256-[A-Za-z0-9+/]+={0,2}'$/.test(value));
  assert.ok(hashes.length >= 1, 'script-src allows the inline loader by a sha256 hash');
  assert.deepEqual(policy.get('default-src'), ["'self'"]);
  assert.deepEqual(policy.get('object-src'), ["'none'"]);
  assert.deepEqual(policy.get('base-uri'), ["'none'"]);
  assert.deepEqual(policy.get('form-action'), ["'none'"]);
  // Sync: any https:// server the person names, plain http:// only on this computer.
  assert.deepEqual(policy.get('connect-src'), ["'self'", 'https:', 'http://localhost:*', 'http://127.0.0.1:*']);

  // A <meta> policy governs only what follows it: no script, style or link may come first.
  const metaAt = html.search(CSP_META);
  const firstGoverned = html.search(/<(script|link|style|base)(?=[\s/>])/i);
  assert.ok(firstGoverned < 0 || metaAt < firstGoverned, 'the CSP <meta> comes before every script and link');

  // One hash per inline script, each the hash of a script in the page as served.
  assert.deepEqual([...hashes].sort(), inlineScriptHashes(html).sort(), 'the hashes are those of the inline scripts');
  const inPage = await app.page.evaluate(() => ({
    inline: document.querySelectorAll('script:not([src])').length,
    policies: [...document.querySelectorAll('meta[http-equiv="Content-Security-Policy" i]')].map((m) => m.content),
  }));
  assert.equal(inPage.inline, hashes.length, 'as many inline scripts in the page as hashes in the policy');
  assert.deepEqual(inPage.policies, [policyText(html)], 'the browser reads the same policy');
});

appTest('an injected script is refused, while the app runs', async (app) => {
  const { page } = app;
  const outcome = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (event) => violations.push({
      directive: event.effectiveDirective,
      blocked: event.blockedURI,
      disposition: event.disposition,
    }));
    const inline = document.createElement('script');
    inline.textContent = 'window.__cspInjected = true;';
    document.body.append(inline);
    const external = document.createElement('script');
    external.src = 'http://127.0.0.2:9/injected.js';
    document.body.append(external);
    const deadline = performance.now() + 5000;
    while (violations.length < 2 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { violations, injected: window.__cspInjected === true };
  });
  assert.equal(outcome.injected, false, 'the injected inline script did not run');
  assert.deepEqual(
    outcome.violations.map((v) => [v.directive, v.blocked, v.disposition]).sort(),
    [['script-src-elem', 'http://127.0.0.2:9/injected.js', 'enforce'], ['script-src-elem', 'inline', 'enforce']],
    'a securitypolicyviolation for each injected script',
  );
  // Chromium says so in the console too (wording varies between versions): expected, not failures.
  await takeExpectedErrors(app, /inline script.*Content Security Policy|Refused to execute inline script/i);
  await takeExpectedErrors(app, /injected\.js.*Content Security Policy|Refused to load the script 'http:\/\/127\.0\.0\.2:9/i);

  // The app, started by the loader the policy allows, works.
  await addBook(page, { title: 'Under Policy', author: 'C. Spec', genre: 'Security' });
  await expectCount(page, '1 book');
});

// --- The build hook --------------------------------------------------------------------------------

const stagings = [];
after(() => { for (const dir of stagings) rmSync(dir, { recursive: true, force: true }); });

/**
 * What Trunk hands the hook: the release bundle as it was before the hook ran (the minified page
 * without its policy, sw.js unfilled), with `page` changing index.html. Runs the hook on it.
 */
function runHook(page = (html) => html) {
  const staging = mkdtempSync(path.join(tmpdir(), 'bookshelf-staging-'));
  stagings.push(staging);
  cpSync(DIST, staging, { recursive: true });
  cpSync(path.join(REPO_ROOT, 'public/sw.js'), path.join(staging, 'sw.js'));
  const indexPath = path.join(staging, 'index.html');
  const unfinished = readFileSync(indexPath, 'utf8').replace(CSP_META, '');
  writeFileSync(indexPath, page(unfinished));
  const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/finish-build.mjs')], {
    env: { ...process.env, TRUNK_STAGING_DIR: staging },
    encoding: 'utf8',
  });
  return { status: run.status, stderr: run.stderr, html: readFileSync(indexPath, 'utf8') };
}

test('the hook writes the policy into the minified page, and fails the build when it cannot', () => {
  const built = readFileSync(path.join(DIST, 'index.html'), 'utf8');
  assert.match(built, /<meta charset=utf-8>/i, 'the release page is minified (unquoted charset)');

  // On the minified page: exactly the page that was shipped.
  const again = runHook();
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.html, built, 'the hook on the minified page gives the shipped page');

  // A page as written by hand (quoted charset): the same policy.
  const quoted = runHook((html) => html.replace(/<meta charset=utf-8>/i, '<meta charset="utf-8" />'));
  assert.equal(quoted.status, 0, quoted.stderr);
  assert.equal(policyText(quoted.html), policyText(built));

  // No charset meta: right after <head>, before everything else.
  const headOnly = runHook((html) => html.replace(/<meta charset=utf-8>/i, '<head>'));
  assert.equal(headOnly.status, 0, headOnly.stderr);
  assert.match(headOnly.html, /<head><meta http-equiv="Content-Security-Policy"/);

  // No inline loader to hash: the build fails, and says why.
  const noLoader = runHook((html) => html.replace(/<script type=module>[\s\S]*?<\/script>/i, ''));
  assert.notEqual(noLoader.status, 0, 'a page without its inline loader fails the build');
  assert.match(noLoader.stderr, /no inline loader script for .*_bg\.wasm/);

  // The loader fetches the wasm after the first frame; one written differently fails the build.
  assert.match(built, /requestAnimationFrame\(\(\) => setTimeout\(go\)\)[^<]*\nconst wasm = await init\(/);
  const wasmName = /\.\/(bookshelf-[0-9a-f]+_bg\.wasm)/.exec(built)[1];
  const asTrunkWrote = runHook((html) => html
    .replace(/await new Promise\(\(go\) => [^\n]*\n/, '')
    .replace('</head>', `<link as=fetch crossorigin href=./${wasmName} rel=preload type=application/wasm></head>`));
  assert.equal(asTrunkWrote.status, 0, asTrunkWrote.stderr);
  assert.equal(asTrunkWrote.html, built, 'Trunk\'s preload removed, its loader made to wait');
  const otherLoader = runHook((html) => html.replace(/const wasm = await init\(/, 'const wasm = await start('));
  assert.notEqual(otherLoader.status, 0, 'a loader the hook does not know fails the build');
  assert.match(otherLoader.stderr, /expected one inline loader of .*_bg\.wasm/);

  // Nowhere to put the policy before what it governs: the build fails, and says why.
  const nowhere = runHook((html) => html.replace(/<meta charset=utf-8>/i, ''));
  assert.notEqual(nowhere.status, 0, 'a page with no place for the policy fails the build');
  assert.match(nowhere.stderr, /nowhere to put the CSP/);
  const late = runHook((html) => html.replace(/<meta charset=utf-8>/i, '<link rel=icon href=icon.svg><meta charset=utf-8>'));
  assert.notEqual(late.status, 0, 'a page loading something before the policy fails the build');
  assert.match(late.stderr, /would not govern it/);
});
