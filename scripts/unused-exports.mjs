// Drops the JS classes a dependency exports through wasm-bindgen and the app never uses, with the
// wasm exports behind them, so that wasm-opt removes their code (release builds;
// scripts/split-wasm.mjs). Leptos depends on server_fn, which depends on wasm-streams, whose
// `IntoUnderlyingSource`, `IntoUnderlyingSink` and `IntoUnderlyingByteSource` are exported to
// JavaScript for streams the browser would pull: this app makes none (it has no server), yet
// their methods and the futures behind them were in the first page's wasm and glue (~2 KB gzip).

import { leb, replaceSection, section, writeLeb } from './short-imports.mjs';

/** The wasm-streams classes: what their exports' names start with, lowercased. */
export const UNUSED_CLASSES = ['IntoUnderlyingByteSource', 'IntoUnderlyingSink', 'IntoUnderlyingSource'];

const exportOf = (name) => {
  const lower = name.toLowerCase();
  return UNUSED_CLASSES.some((cls) => {
    const c = cls.toLowerCase();
    return lower.startsWith(`${c}_`) || lower === `__wbg_${c}_free`;
  });
};

/** The wasm without the classes' exports; throws unless it had them all. */
export function dropUnusedExports(wasm) {
  const bytes = Buffer.from(wasm);
  const { body } = section(bytes, 7, 'export');
  const [count, first] = leb(bytes, body);
  const kept = [];
  const dropped = [];
  let next = first;
  for (let i = 0; i < count; i++) {
    const [length, start] = leb(bytes, next);
    const name = bytes.toString('utf8', start, start + length);
    const [, after] = leb(bytes, start + length + 1);
    if (exportOf(name)) dropped.push(name);
    else kept.push(bytes.subarray(next, after));
    next = after;
  }
  for (const cls of UNUSED_CLASSES) {
    if (!dropped.includes(`__wbg_${cls.toLowerCase()}_free`)) throw new Error(`the wasm does not export ${cls}`);
  }
  return replaceSection(bytes, 7, [writeLeb(kept.length), ...kept]);
}

/**
 * The glue (as wasm-bindgen writes it, before minifying) without the classes, their `dispose`
 * lines and their finalization registries. Throws if any mention of them is left, so that a
 * wasm-bindgen that writes them otherwise fails the build here, not in the browser.
 */
export function dropUnusedClasses(js) {
  for (const cls of UNUSED_CLASSES) {
    const block = new RegExp(`^export class ${cls} \\{\\n[\\s\\S]*?^\\}\\n`, 'm');
    const dispose = new RegExp(`^if \\(Symbol\\.dispose\\) ${cls}\\.prototype\\[Symbol\\.dispose\\] = ${cls}\\.prototype\\.free;\\n`, 'm');
    const registry = new RegExp(`^const ${cls}Finalization = [^;]*;\\n`, 'm');
    for (const pattern of [block, dispose, registry]) {
      if (!pattern.test(js)) throw new Error(`the glue does not hold ${pattern}`);
      js = js.replace(pattern, '');
    }
  }
  if (/intounderlying/i.test(js)) throw new Error('the glue still mentions the wasm-streams classes');
  return js;
}
