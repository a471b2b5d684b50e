// Splits the app's wasm into the part the first page needs and the parts fetched when first used.
//
// Trunk 0.21 cannot split a wasm module, so finish-build.mjs calls this first, on the staged
// bundle. It takes the module cargo linked for Trunk (built with `--emit-relocs`, see build.rs),
// and:
//   1. `wasm-split-cli` (crate wasm_split_cli_support, installed by scripts/setup.sh) moves every
//      `#[wasm_split(..)]` function of src/main.rs, with the code only it reaches, into a module
//      of its own, and writes the small JS that fetches them (`__wasm_split.js`);
//   2. wasm-bindgen (the version Trunk uses) makes the JS glue of what is left, keeping the exports
//      the split modules link to (`--keep-lld-exports`); it replaces the glue Trunk made, and is
//      minified as Trunk's would have been (terser; release builds only);
//   3. wasm-opt shrinks each module as Trunk would have, after the classes wasm-streams exports
//      and nothing uses are dropped (scripts/unused-exports.mjs), and the functions the app's
//      module imports from its glue get short names (scripts/short-imports.mjs) (release only);
//   4. the split modules and their JS get names that change with their content, so a static host's
//      cache never pairs a new app with an old part, and index.html's integrity hashes are redone.
// A module without split points is left as Trunk made it. Any failure fails the build.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { renameGlue, shortenImports } from './short-imports.mjs';
import { dropUnusedClasses, dropUnusedExports } from './unused-exports.mjs';

/** The wasm features the app is built with (.cargo/config.toml and Rust's wasm32 defaults). */
const FEATURES = ['simd', 'bulk-memory', 'nontrapping-float-to-int', 'sign-ext', 'mutable-globals',
  'reference-types', 'multivalue'].map((feature) => `--enable-${feature}`);

const digest = (data, algorithm, encoding) => createHash(algorithm).update(data).digest(encoding);

function run(command, args) {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${error.stderr ?? error.message}`);
  }
}

/** Minifies an ES module in place, as Trunk's `minify` does to the glue it makes (terser, from npm);
 * optionally with terser's compress options, then more of its flags. */
function minify(file, [compressOptions, ...more] = []) {
  const terser = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', 'terser');
  const compress = compressOptions ? ['--compress', compressOptions] : ['--compress'];
  run(terser, [file, '--module', ...compress, ...more, '--mangle', '--output', file]);
}

/**
 * Splits the app module staged in `staging` (Trunk's `<stem>.js` + `<stem>_bg.wasm`, `<stem>` being
 * the binary's name and Trunk's hash). Returns the names of the split-off files, or [] if the module
 * has no split points.
 */
export function splitWasm({ staging, stem, cargoWasm, release }) {
  const input = readFileSync(cargoWasm);
  // Split points are imports from the placeholder module `#[wasm_split]` declares.
  if (!input.includes(Buffer.from('__wasm_split_placeholder__'))) return [];
  const work = mkdtempSync(path.join(tmpdir(), 'bookshelf-split-'));
  try {
    run('wasm-split-cli', [cargoWasm, work, '--out-name', stem]);
    const glue = path.join(work, 'glue');
    run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--keep-lld-exports', '--no-demangle',
      '--out-dir', glue, '--out-name', stem, path.join(work, `${stem}.wasm`)]);

    const optimise = (from, to) => {
      // BOOKSHELF_WASM_NAMES=1 keeps the functions' names, for a CPU profile that names them.
      const names = process.env.BOOKSHELF_WASM_NAMES === '1' ? ['-g'] : ['--strip-debug'];
      if (release) run('wasm-opt', ['-Oz', ...FEATURES, ...names, '--strip-producers', from, '-o', to]);
      else copyFileSync(from, to);
    };
    // The split-off modules, renamed by content; the loader JS points at the new names.
    let loader = readFileSync(path.join(work, '__wasm_split.js'), 'utf8');
    const parts = [];
    for (const name of readdirSync(work).filter((n) => n.endsWith('.wasm') && n !== `${stem}.wasm`)) {
      const optimised = path.join(work, `opt-${name}`);
      optimise(path.join(work, name), optimised);
      const bytes = readFileSync(optimised);
      const named = `${name.replace(/\.wasm$/, '')}-${digest(bytes, 'sha256', 'hex').slice(0, 16)}.wasm`;
      writeFileSync(path.join(staging, named), bytes);
      const reference = `"./${name}"`;
      if (!loader.includes(reference)) throw new Error(`__wasm_split.js does not name ${name}`);
      loader = loader.replaceAll(reference, `"./${named}"`);
      parts.push(named);
    }
    if (!loader.includes(`from "./${stem}.js"`)) throw new Error(`__wasm_split.js does not import ./${stem}.js`);
    if (release) {
      // Minified like the glue (the first page fetches it), each piece's declaration kept apart
      // with its comment naming the parts that share it (bench/run.mjs reads them).
      const file = path.join(work, '__wasm_split.min.js');
      writeFileSync(file, loader);
      minify(file, ['join_vars=false,sequences=false', '--comments', '/^ [a-z_, ]+ $/']);
      loader = readFileSync(file, 'utf8');
    }
    const loaderName = `__wasm_split-${digest(loader, 'sha256', 'hex').slice(0, 16)}.js`;
    writeFileSync(path.join(staging, loaderName), loader);
    parts.push(loaderName);

    // The app's glue imports the loader under the name the wasm imports it by; only the module
    // specifiers of the import statements change.
    let js = readFileSync(path.join(glue, `${stem}.js`), 'utf8');
    const imports = /^(import \* as \w+ from )"\.\/__wasm_split\.js"/gm;
    if (!imports.test(js)) throw new Error(`${stem}.js does not import __wasm_split.js`);
    js = js.replace(imports, `$1"./${loaderName}"`);
    const wasmPath = path.join(staging, `${stem}_bg.wasm`);
    if (release) {
      // wasm-streams' classes, which nothing here uses, out of the glue and the wasm
      // (scripts/unused-exports.mjs); wasm-opt then removes their code.
      const glueWasm = path.join(glue, `${stem}_bg.wasm`);
      writeFileSync(glueWasm, dropUnusedExports(readFileSync(glueWasm)));
      js = dropUnusedClasses(js);
    }
    optimise(path.join(glue, `${stem}_bg.wasm`), wasmPath);
    if (release) {
      // Short names for the functions the wasm imports from the glue (scripts/short-imports.mjs).
      const glueModule = `./${stem}_bg.js`;
      const { wasm, renames } = shortenImports(readFileSync(wasmPath), glueModule, 'w');
      writeFileSync(wasmPath, wasm);
      js = renameGlue(js, renames, glueModule, 'w');
    }
    writeFileSync(path.join(staging, `${stem}.js`), js);
    if (release) minify(path.join(staging, `${stem}.js`));

    // index.html preloads the glue and the wasm with integrity hashes: they are this build's now.
    const htmlPath = path.join(staging, 'index.html');
    let html = readFileSync(htmlPath, 'utf8');
    for (const file of [`${stem}.js`, `${stem}_bg.wasm`]) {
      const hash = `sha384-${digest(readFileSync(path.join(staging, file)), 'sha384', 'base64')}`;
      let found = false;
      html = html.replace(/<link\s[^>]*>/gi, (tag) => {
        if (!tag.includes(`./${file}`) || !/integrity=/i.test(tag)) return tag;
        found = true;
        return tag.replace(/integrity=(["']?)sha384-[A-Za-z0-9+/=]+\1/i, `integrity=$1${hash}$1`);
      });
      if (!found) throw new Error(`index.html has no preload with an integrity hash for ${file}`);
    }
    writeFileSync(htmlPath, html);
    return parts;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The staged app module's stem (`bookshelf-<hash>`): a `<stem>.js` beside a `<stem>_bg.wasm` that
 * is not a worker's (a worker has a `<stem>_loader.js`). */
export function appStem(staging) {
  const names = readdirSync(staging);
  const stems = names.filter((n) => n.endsWith('_bg.wasm')).map((n) => n.replace(/_bg\.wasm$/, ''))
    .filter((stem) => names.includes(`${stem}.js`) && !names.includes(`${stem}_loader.js`));
  return stems.length === 1 ? stems[0] : null;
}

/** Where cargo left the module Trunk built (`bookshelf-<hash>` → `.../bookshelf.wasm`): under
 * CARGO_TARGET_DIR (relative to where Trunk runs, as cargo takes it) or this repository's target/. */
export function cargoWasmOf(stem, { release = true } = {}) {
  const bin = stem.replace(/-[0-9a-f]{1,16}$/, '');
  const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const target = process.env.CARGO_TARGET_DIR
    ? path.resolve(process.env.CARGO_TARGET_DIR)
    : path.join(repository, 'target');
  const file = path.join(target, 'wasm32-unknown-unknown', release ? 'release' : 'debug', `${bin}.wasm`);
  return existsSync(file) ? file : null;
}
