// Gives the JS functions the app's wasm imports from its glue short names, in the wasm's import
// section and in the glue's import object alike (release builds; scripts/split-wasm.mjs).
//
// wasm-bindgen names each import after its binding and a 16-digit hash (`__wbg_now_463ac581d2fc7ea3`)
// under the glue's file name (`./bookshelf-519e164b2e96bd66_bg.js`), and both files carry every
// name. The hashes do not compress: 356 imports cost ~6 KB gzip of the first page. Here they
// become `a`, `b`, … `ba`, …, and the module `w`; nothing else changes (the imports of the split
// parts' loader keep their names: the loader exports them by those).

/** Reads an unsigned LEB128 at `at`; returns [value, next offset]. */
export function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
    shift += 7;
  }
}

export function writeLeb(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}

const encodeName = (text) => {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([writeLeb(bytes.length), bytes]);
};

/** `a` … `z`, `ba` …: short (a keyword such as `do` is a valid property name in an object literal). */
function shortName(index) {
  let name = '';
  do {
    name = String.fromCharCode(97 + (index % 26)) + name;
    index = Math.floor(index / 26);
  } while (index > 0);
  return name;
}

/** Skips one import's description (its kind and type) at `at`; returns the next offset. */
function skipDescription(bytes, at) {
  const kind = bytes[at++];
  switch (kind) {
    case 0x00: // function: type index
      return leb(bytes, at)[1];
    case 0x01: { // table: reference type, limits
      at += 1;
      const flags = bytes[at++];
      at = leb(bytes, at)[1];
      return flags & 1 ? leb(bytes, at)[1] : at;
    }
    case 0x02: { // memory: limits
      const flags = bytes[at++];
      at = leb(bytes, at)[1];
      return flags & 1 ? leb(bytes, at)[1] : at;
    }
    case 0x03: // global: value type, mutability
      return at + 2;
    case 0x04: // tag: attribute, type index
      return leb(bytes, at + 1)[1];
    default:
      throw new Error(`unknown import kind ${kind} in the wasm`);
  }
}

/**
 * Renames the imports `wasm` takes from the module `from` (the glue) and returns
 * { wasm, renames } with renames a Map of old name → new name, and the module renamed to `to`.
 */
export function shortenImports(wasm, from, to) {
  const bytes = Buffer.from(wasm);
  const { body, end } = section(bytes, 2, 'import');
  const [count, first] = leb(bytes, body);
  const renames = new Map();
  const entries = [writeLeb(count)];
  let next = first;
  for (let i = 0; i < count; i++) {
    const [moduleLength, moduleStart] = leb(bytes, next);
    const module = bytes.toString('utf8', moduleStart, moduleStart + moduleLength);
    const [nameLength, nameStart] = leb(bytes, moduleStart + moduleLength);
    const name = bytes.toString('utf8', nameStart, nameStart + nameLength);
    const descriptionStart = nameStart + nameLength;
    next = skipDescription(bytes, descriptionStart);
    const description = bytes.subarray(descriptionStart, next);
    if (module === from) {
      if (!renames.has(name)) renames.set(name, shortName(renames.size));
      entries.push(encodeName(to), encodeName(renames.get(name)), description);
    } else {
      entries.push(encodeName(module), encodeName(name), description);
    }
  }
  if (next !== end) throw new Error('the wasm import section does not end where it says');
  return { wasm: replaceSection(bytes, 2, entries), renames };
}

/** Where the section `id` of a wasm module is: its first byte, its body, its end. */
export function section(bytes, id, what) {
  let at = 8;
  while (at < bytes.length) {
    const [size, body] = leb(bytes, at + 1);
    if (bytes[at] === id) return { at, body, end: body + size };
    at = body + size;
  }
  throw new Error(`the wasm has no ${what} section`);
}

/** The module with the section `id`'s body made of `parts`. */
export function replaceSection(bytes, id, parts) {
  const { at, end } = section(bytes, id, `${id}`);
  const body = Buffer.concat(parts);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from([id]), writeLeb(body.length), body,
    bytes.subarray(end)]);
}

/**
 * The glue with its import object renamed as `renames` says and its module key `from` as `to`.
 * Every old name must be a key of the import object exactly once, else this throws (a new
 * wasm-bindgen that writes its glue otherwise fails the build here, not in the browser).
 */
export function renameGlue(js, renames, from, to) {
  const quoted = `"${from}"`;
  if (js.split(quoted).length !== 2) throw new Error(`the glue names ${from} other than once`);
  js = js.replace(quoted, `"${to}"`);
  for (const [name, short] of renames) {
    const key = new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}:`, 'g');
    const found = js.match(key)?.length ?? 0;
    const anywhere = js.split(name).length - 1;
    if (found !== 1 || anywhere !== 1) {
      throw new Error(`the glue has ${anywhere} mentions of the import ${name}, ${found} as a key`);
    }
    js = js.replace(key, `${short}:`);
  }
  return js;
}
