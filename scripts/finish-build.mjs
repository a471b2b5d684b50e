// Trunk post-build hook: finishes the staged bundle before Trunk moves it into dist/.
//
// 0. The app's wasm is split (split-wasm.mjs): what the first page needs, and the parts fetched
//    when first used.
// 1. index.html gets a Content-Security-Policy that allows what the app needs and nothing else.
//    Trunk injects an inline module script to start the wasm; it is allowed by its sha256 hash, so
//    no 'unsafe-inline' is needed. wasm needs 'wasm-unsafe-eval'. The hook runs after Trunk has
//    minified the page (`<meta charset=utf-8>`, unquoted attributes, maybe no `<head>` tag), so the
//    page is read as HTML, not as the text of index.html, and the scripts are hashed exactly as they
//    stand in the final file. If the policy cannot be written, the build fails: a bundle never
//    ships without its CSP.
// 2. The service worker (copied from public/sw.js) gets this build's version and the list of every
//    file to cache, so a changed bundle makes a changed sw.js, which is how browsers notice an update.
//
// Environment (set by Trunk): TRUNK_STAGING_DIR, TRUNK_HTML_FILE, TRUNK_PROFILE.

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

import { appStem, cargoWasmOf, splitWasm } from './split-wasm.mjs';

function fail(message) {
  console.error(`finish-build: ${message}`);
  process.exit(1);
}

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) fail('TRUNK_STAGING_DIR is not set (run me from Trunk)');

function files(dir, prefix = '') {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    const relative = prefix + name;
    return statSync(full).isDirectory() ? files(full, `${relative}/`) : [relative];
  });
}

// --- Splitting the wasm -------------------------------------------------------------------------
// A staged bundle already split (the hook run again on its own output) is left as it is.
if (!readdirSync(staging).some((name) => /^__wasm_split-[0-9a-f]+\.js$/.test(name))) {
  const stem = appStem(staging);
  const release = process.env.TRUNK_PROFILE !== 'debug';
  const cargoWasm = stem && cargoWasmOf(stem, { release });
  if (!stem || !cargoWasm) fail(`cannot find the app's wasm to split (staged ${stem}, cargo's ${cargoWasm})`);
  try {
    const parts = splitWasm({ staging, stem, cargoWasm, release });
    console.log(parts.length
      ? `finish-build: ${stem}_bg.wasm split, ${parts.length} files fetched when first used`
      : `finish-build: ${stem}_bg.wasm has no split points, left as Trunk made it`);
  } catch (error) {
    fail(`splitting the wasm: ${error.message}`);
  }
}

const sha256 = (data, encoding) => createHash('sha256').update(data).digest(encoding);

// --- Reading the page ---------------------------------------------------------------------------

/** The tag starting at `start` (`<name ...>`): its end index and attribute names (lower case). */
function readTag(html, start) {
  let i = start + 1;
  while (i < html.length && !/[\s/>]/.test(html[i])) i++;
  const names = [];
  while (i < html.length && html[i] !== '>') {
    const c = html[i];
    if (/[\s/]/.test(c)) { i++; continue; }
    let name = '';
    while (i < html.length && !/[\s/>=]/.test(html[i])) name += html[i++];
    if (name) names.push(name.toLowerCase());
    while (/\s/.test(html[i] ?? '')) i++;
    if (html[i] === '=') {
      i++;
      while (/\s/.test(html[i] ?? '')) i++;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        if (close < 0) return null;
        i = close + 1;
      } else {
        while (i < html.length && !/[\s>]/.test(html[i])) i++;
      }
    } else if (!name) {
      i++;
    }
  }
  return i < html.length ? { end: i + 1, names } : null;
}

/**
 * Every script element of the page, in order, as the HTML parser sees them (comments skipped):
 * where it starts, whether it has `src`, and its body exactly as the browser hashes it (the raw
 * text between the tags, with the parser's newline normalisation and NUL replacement).
 */
function scripts(html) {
  const found = [];
  const tagStart = /<!--|<script(?=[\s/>])/gi;
  let match;
  while ((match = tagStart.exec(html))) {
    if (match[0] === '<!--') {
      const close = html.indexOf('-->', match.index + 4);
      if (close < 0) break;
      tagStart.lastIndex = close + 3;
      continue;
    }
    const tag = readTag(html, match.index);
    if (!tag) fail(`index.html: the <script> tag at offset ${match.index} never closes`);
    const rest = html.slice(tag.end);
    const endTag = /<\/script(?=[\s/>])/i.exec(rest);
    if (!endTag) fail(`index.html: the <script> at offset ${match.index} has no </script>`);
    const raw = rest.slice(0, endTag.index);
    found.push({
      start: match.index,
      external: tag.names.includes('src'),
      body: raw.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD'),
    });
    tagStart.lastIndex = tag.end + endTag.index;
  }
  return found;
}

const htmlPath = path.join(staging, 'index.html');
if (!existsSync(htmlPath)) fail(`${htmlPath} is missing: nothing to put the Content-Security-Policy in`);

// --- The app's wasm, fetched once the page has painted ------------------------------------------
// Trunk preloads the wasm from <head> and starts it as soon as the glue is in. The page's header
// is static HTML: it should paint at once, not after a download of the app's code has taken the
// connection (on a phone, the wasm is most of a second) and not after its compilation held the
// main thread. So the preload goes, and the loader waits for the first frame (at most 100 ms, a
// background tab has no frames) before it fetches the wasm. Both are checked: a Trunk that writes
// its loader differently fails the build here rather than quietly starting early again.
{
  let html = readFileSync(htmlPath, 'utf8');
  const stem = appStem(staging);
  const preload = new RegExp(`<link\\s[^>]*\\b${stem}_bg\\.wasm\\b[^>]*>`, 'g');
  const preloads = html.match(preload) ?? [];
  if (preloads.length > 1 || preloads.some((link) => !/\brel=["']?preload\b/.test(link))) {
    fail(`index.html: expected at most one preload of ${stem}_bg.wasm, found ${preloads.join(' ')}`);
  }
  html = html.replace(preload, '');
  const start = 'const wasm = await init(';
  const painted = 'await new Promise((go) => { requestAnimationFrame(() => setTimeout(go)); setTimeout(go, 100); });\n';
  const loaders = scripts(html).filter((script) => !script.external && script.body.includes(`${stem}_bg.wasm`));
  if (loaders.length === 0) fail(`index.html has no inline loader script for ${stem}_bg.wasm: nothing starts the app`);
  if (loaders.length > 1 || loaders[0].body.split(start).length !== 2) {
    fail(`index.html: expected one inline loader of ${stem}_bg.wasm with one "${start}"`);
  }
  if (!loaders[0].body.includes(painted)) html = html.replace(start, painted + start);
  writeFileSync(htmlPath, html);
}

// --- Content-Security-Policy --------------------------------------------------------------------
{
  let html = readFileSync(htmlPath, 'utf8');
  // A policy already there (a rebuild of a staged page) is replaced, never doubled.
  html = html.replace(/<meta\s[^>]*http-equiv\s*=\s*["']?content-security-policy\b[^>]*>\s*/gi, '');

  const all = scripts(html);
  const inline = all.filter((script) => !script.external);
  // The page's loader must be among them: each wasm module is started by an inline script that
  // names it. Without it there is nothing to hash and the app could not start under the policy.
  // A worker's wasm (Trunk's data-type="worker") is the exception: the app starts it at run time
  // from its loader shim (`<name>_loader.js`, same origin, so `worker-src 'self'` allows it).
  const workerWasm = new Set(files(staging)
    .filter((name) => name.endsWith('_loader.js'))
    .map((name) => name.replace(/_loader\.js$/, '_bg.wasm')));
  for (const wasm of files(staging).filter((name) => name.endsWith('_bg.wasm') && !workerWasm.has(name))) {
    const base = path.posix.basename(wasm);
    if (!inline.some((script) => script.body.includes(base))) {
      fail(`index.html has no inline loader script for ${base}: cannot compute the hash the CSP must allow`);
    }
  }
  const hashes = inline.map((script) => `'sha256-${sha256(Buffer.from(script.body, 'utf8'), 'base64')}'`);
  const policy = [
    "default-src 'self'",
    ["script-src 'self' 'wasm-unsafe-eval'", ...hashes].join(' '),
    "style-src 'self'",
    "img-src 'self' data: blob:",
    // Sync talks to the person's own CouchDB, whose address only they know: any https:// server,
    // and plain http:// only on this computer (the app refuses other http:// addresses too).
    "connect-src 'self' https: http://localhost:* http://127.0.0.1:*",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;

  // Right after the charset declaration, in whatever form the minifier left it; else right after
  // <head>. A policy in a <meta> governs only what comes after it, so nothing may load before it.
  const anchor = /<meta\s[^>]*\bcharset\s*=[^>]*>/i.exec(html) ?? /<head(?=[\s>])[^>]*>/i.exec(html);
  if (!anchor) fail('index.html has neither a <meta charset> nor a <head> tag: nowhere to put the CSP');
  const at = anchor.index + anchor[0].length;
  const early = /<(script|link|style|base|img|iframe|object|embed)(?=[\s/>])/i.exec(html.slice(0, at));
  if (early) fail(`index.html has a <${early[1]}> before ${anchor[0]}: the CSP <meta> would not govern it`);
  html = `${html.slice(0, at)}${meta}${html.slice(at)}`;

  // The page as written must still hold exactly the scripts that were hashed.
  const written = scripts(html).filter((script) => !script.external).map((script) => script.body);
  if (written.length !== inline.length || written.some((body, i) => body !== inline[i].body)) {
    fail('index.html: inserting the CSP changed its inline scripts');
  }
  writeFileSync(htmlPath, html);
  console.log(`finish-build: Content-Security-Policy written, ${hashes.length} inline script(s) allowed by hash`);
}

// --- Service worker -----------------------------------------------------------------------------
// The page is not in the list: the worker fetches ./index.html itself and keeps it under ./ (the
// scope), so a host that redirects one to the other still gets an offline app.
const workerPath = path.join(staging, 'sw.js');
if (existsSync(workerPath)) {
  const assets = files(staging).filter((name) => name !== 'sw.js').sort();
  const version = sha256(assets.map((name) => name + sha256(readFileSync(path.join(staging, name)), 'hex')).join('\n'), 'hex').slice(0, 16);
  const template = readFileSync(workerPath, 'utf8');
  if (!template.includes('__BOOKSHELF_VERSION__') || !template.includes('["__BOOKSHELF_ASSETS__"]')) {
    fail('sw.js has no __BOOKSHELF_VERSION__ or ["__BOOKSHELF_ASSETS__"] placeholder to fill');
  }
  const cached = assets.filter((name) => name !== 'index.html').map((name) => `./${name}`);
  const worker = template
    .replace('__BOOKSHELF_VERSION__', version)
    .replace('["__BOOKSHELF_ASSETS__"]', JSON.stringify(cached));
  writeFileSync(workerPath, worker);
  console.log(`finish-build: service worker version ${version}, ${assets.length} files`);
}
