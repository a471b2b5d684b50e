// Trunk post-build hook: finishes the staged bundle before Trunk moves it into dist/.
//
// 1. The service worker (copied from public/sw.js) gets this build's version and the list of every
//    file to cache, so a changed bundle makes a changed sw.js, which is how browsers notice an update.
// 2. index.html gets a Content-Security-Policy that allows what the app needs and nothing else.
//    Trunk injects an inline module script to start the wasm; it is allowed by its sha256 hash, so
//    no 'unsafe-inline' is needed. wasm needs 'wasm-unsafe-eval'.
//
// Environment (set by Trunk): TRUNK_STAGING_DIR, TRUNK_HTML_FILE.

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('finish-build: TRUNK_STAGING_DIR is not set (run me from Trunk)');
  process.exit(1);
}

function files(dir, prefix = '') {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    const relative = prefix + name;
    return statSync(full).isDirectory() ? files(full, `${relative}/`) : [relative];
  });
}

const sha256 = (data, encoding) => createHash('sha256').update(data).digest(encoding);

// --- Content-Security-Policy --------------------------------------------------------------------
const htmlPath = path.join(staging, 'index.html');
if (existsSync(htmlPath)) {
  let html = readFileSync(htmlPath, 'utf8');
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const hashes = inline.map((body) => `'sha256-${sha256(body, 'base64')}'`).join(' ');
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes}`.trim(),
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
  html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/g, '');
  html = html.replace(/(<meta charset="utf-8"\s*\/?>)/i, `$1\n    ${meta}`);
  writeFileSync(htmlPath, html);
}

// --- Service worker -----------------------------------------------------------------------------
const workerPath = path.join(staging, 'sw.js');
if (existsSync(workerPath)) {
  const assets = files(staging).filter((name) => name !== 'sw.js').sort();
  const version = sha256(assets.map((name) => name + sha256(readFileSync(path.join(staging, name)), 'hex')).join('\n'), 'hex').slice(0, 16);
  const worker = readFileSync(workerPath, 'utf8')
    .replace('__BOOKSHELF_VERSION__', version)
    .replace('["__BOOKSHELF_ASSETS__"]', JSON.stringify(['./', ...assets.map((name) => `./${name}`)]));
  writeFileSync(workerPath, worker);
  console.log(`finish-build: service worker version ${version}, ${assets.length} files`);
}
