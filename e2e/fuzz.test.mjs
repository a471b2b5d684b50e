// Fuzzing the add form and the Import control with random text ("hard to break"): unicode of
// every plane, combining marks, right-to-left and zero-width characters, control characters,
// strings past every length limit, markup, quotes, commas, formulas, blanks. Every input is either
// stored exactly — trimmed, as src/book.rs documents — and shown exactly as text (in its row, on
// its page, after a reload), or refused with a message next to each field at fault and nothing
// stored. Files chosen in Import give a preview or a message saying why not, and never a page error.
//
// The inputs come from a seeded generator: the seed is printed as a test diagnostic. The default
// seed is fixed, so that `make test` is repeatable; FUZZ_SEED=random explores new inputs, and
// FUZZ_SEED=<seed> replays a run (FUZZ_INPUTS=<n> sets how many inputs the form gets, 150).

import assert from 'node:assert/strict';
import {
  useApp, addForm, field, waitFor, expectCount, describedByText, table, storedRecords, watchImageRequests,
} from './helpers.mjs';

const appTest = useApp();

const SEED = process.env.FUZZ_SEED === 'random'
  ? (Date.now() ^ (process.pid << 16)) >>> 0
  : Number(process.env.FUZZ_SEED ?? 20261126) >>> 0;
const INPUTS = Number(process.env.FUZZ_INPUTS) || 150;

// ---------------------------------------------------------------------------------------------
// Random text.

/** mulberry32: a small seeded PRNG, floats in [0, 1). */
function generator(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (items) => items[int(items.length)];
  /** Calls one of `choices` ([weight, fn] pairs) at random, by weight. */
  const weighted = (choices) => {
    let roll = next() * choices.reduce((sum, [weight]) => sum + weight, 0);
    for (const [weight, fn] of choices) {
      roll -= weight;
      if (roll < 0) return fn();
    }
    return choices[choices.length - 1][1]();
  };
  return { next, int, pick, weighted };
}

/** Characters that are trouble for someone, none of them a control character. */
const TRICKY = [
  ' ', '\u00a0', '\u2003', '\u3000', '\u2028', '\u2029', '\u1680', '\u200b', '\u200c', '\u200d',
  '\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\u061c', '\ufeff', '\u0301', '\u0308',
  '\u20dd', '\u{e0001}', 'ש', 'ל', 'ו', 'م', 'ع', 'é', 'ß', 'İ', 'Ω', 'я', '中', '文', 'ｗ', '📚',
  '👩', '🏽', '𝔘', '𐍈', '\u{10ffff}', '\ufffd', '\ufffe', '\uffff', '<', '>', '&', '"', "'", ',',
  ';', '=', '+', '-', '@', '#', '\\', '/', '[', ']', '{', '}', ':', '`', '|',
];
/** Control characters (tab, line breaks and NEL are also whitespace: trimmed at the ends). */
const CONTROLS = [
  '\t', '\n', '\r', '\u000b', '\u000c', '\u0085', '\u0000', '\u0007', '\u0008', '\u001b', '\u007f',
  '\u009b', '\u001f',
];
/** Snippets: markup, formulas, quoting, entities, escapes. */
const TOKENS = [
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(2)>',
  '<b>bold</b>', '</td></tr>', '<iframe src=javascript:alert(3)>', '"quoted"', '""', '=1+2',
  '=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", '@SUM(A1)', '+1', '-1', 'a,b', ', ', '&amp;',
  '&lt;b&gt;', '&#0;', '&nbsp;', '\r\n', '\\u0000', '{"title":"x"}', '},{', 'null',
  '\u202etxt.exe', 'e\u0301\u0301\u0301', '👩\u200d👩\u200d👧', '🇺🇳', 'ﷺ',
  'Z\u035f\u035e\u0361a\u033f\u034algo', '\ufefftitle',
];
const WORD = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ';
const BLANKS = [' ', '\t', '\n', '\r', '\u00a0', '\u3000', '\u2028', '\u0085'];

function textGenerator(rng) {
  const anyChar = () => {
    const roll = rng.next();
    const cp = roll < 0.4 ? rng.int(0x80)
      : roll < 0.8 ? rng.int(0xd800)
        : roll < 0.9 ? 0xe000 + rng.int(0x2000)
          : 0x10000 + rng.int(0x100000);
    return String.fromCodePoint(cp);
  };
  const word = () => Array.from({ length: 1 + rng.int(7) }, () => rng.pick(WORD)).join('');
  const piece = () => rng.weighted([
    [6, word],
    [7, () => rng.pick(TRICKY)],
    [1, () => rng.pick(CONTROLS)],
    [2, anyChar],
    [3, () => rng.pick(TOKENS)],
  ]);
  const long = () => {
    const length = rng.next() < 0.6
      ? rng.pick([199, 200, 201, 299, 300, 301, 499, 500, 501])
      : 150 + rng.int(550);
    const unit = [...rng.pick(['x', 'é', '📚', 'e\u0301', '<b>', 'ש', '\u200b'])];
    const padding = rng.pick(['', ' ', '\u00a0\t']);
    return padding + Array.from({ length }, (_, i) => unit[i % unit.length]).join('') + padding;
  };
  return () => rng.weighted([
    [8, () => Array.from({ length: 1 + rng.int(6) }, piece).join('')],
    [1, () => Array.from({ length: rng.int(4) }, () => rng.pick(BLANKS)).join('')],
    [1.5, long],
    [1.5, () => rng.pick(TOKENS)],
  ]);
}

// ---------------------------------------------------------------------------------------------
// The oracle: what a field becomes, by the rules src/book.rs documents (written here anew).

// Rust's `str::trim` trims Unicode White_Space (NEL included, the BOM not), unlike JS's trim().
const WHITE = '\\t\\n\\u000b\\u000c\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM = new RegExp(`^[${WHITE}]+|[${WHITE}]+$`, 'gu');
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const LIMITS = { Title: 500, Author: 300, Genre: 200 };
const LABELS = ['Title', 'Author', 'Genre'];
const KEYS = { Title: 'title', Author: 'author', Genre: 'genre' };

/** { value } stored (trimmed), or { error } the message a refusal must show. */
function expected(label, raw) {
  const trimmed = raw.replace(TRIM, '');
  const chars = [...trimmed];
  const at = chars.findIndex((c) => CONTROL.test(c));
  if (at >= 0) {
    return { error: `${label} contains an invisible control character (at character ${at + 1}); use plain text on one line.` };
  }
  if (chars.length === 0 && label !== 'Genre') return { error: `${label} is required.` };
  if (chars.length > LIMITS[label]) {
    return { error: `${label} is too long: ${chars.length} characters, at most ${LIMITS[label]} are allowed.` };
  }
  return { value: trimmed };
}

/** The book a row of text becomes, or the first field refused (the order the importers check). */
function expectedBook(row) {
  const book = {};
  for (const label of LABELS) {
    const outcome = expected(label, row[KEYS[label]]);
    if (outcome.error) return { refused: label, message: outcome.error };
    book[KEYS[label]] = outcome.value;
  }
  return { book };
}

// ---------------------------------------------------------------------------------------------
// Reading what the app stored and shows.

/** Every stored book's id, title, author and genre, read straight from IndexedDB. */
const storedBooks = async (page) =>
  (await storedRecords(page)).map(({ id, title, author, genre }) => ({ id, title, author, genre }));

/** The rows the table shows: exact texts, and how many elements each text cell holds. */
async function shownRows(page) {
  return page.evaluate(() => [...document.querySelectorAll('tbody tr')]
    .map((tr) => [...tr.querySelectorAll('td')])
    .filter((cells) => cells.length >= 4)
    .map((cells) => ({
      id: Number(cells[0].textContent),
      title: cells[1].textContent,
      link: cells[1].querySelector('a')?.textContent,
      author: cells[2].textContent,
      genre: cells[3].textContent,
      elements: cells.slice(1, 4).map((td) => td.querySelectorAll('*').length),
    })));
}

/** The row of book `id` as shown, or null. */
const shownRow = async (page, id) => {
  const row = (await shownRows(page)).find((r) => r.id === id);
  if (!row) return null;
  const { id: _, ...shown } = row;
  return shown;
};

/** What a row must show for `book`: its text exactly, the title a link, no other element. */
const rowOf = (book) => ({ title: book.title, link: book.title, author: book.author, genre: book.genre, elements: [1, 0, 0] });

/** Elements that stored text would have created had it been parsed as HTML. */
const INJECTED = 'img[src="x"], svg[onload], iframe[src^="javascript"], b, script:not([src]):not([type])';
const injected = (page) => page.evaluate((selector) =>
  [...document.querySelectorAll(selector)]
    .filter((el) => !(el.tagName === 'SCRIPT' && !/alert/.test(el.textContent)))
    .map((el) => el.outerHTML.slice(0, 80)), INJECTED);

/** The text of the field's error (aria-describedby) and whether it is marked invalid. */
async function fieldState(input) {
  return { invalid: await input.getAttribute('aria-invalid'), text: await describedByText(input) };
}

const show = (text) => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…(${[...text].length} chars)` : text);

// ---------------------------------------------------------------------------------------------
// The add form.

appTest('random text in the add form is stored exactly or refused with a message', async (app, t) => {
  const { page } = app;
  const images = watchImageRequests(page);
  t.diagnostic(`FUZZ_SEED=${SEED} FUZZ_INPUTS=${INPUTS}`);
  const rng = generator(SEED);
  const text = textGenerator(rng);
  const form = addForm(page);
  const inputs = Object.fromEntries(LABELS.map((label) => [label, field(form, label)]));
  const add = form.getByRole('button', { name: 'Add book', exact: true });
  const accepted = [];
  let refused = 0;
  let normalized = 0;
  let sorted = false;

  for (let n = 1; n <= INPUTS; n += 1) {
    // A carriage return typed into a one-line input is Enter: it submits the form, as it should,
    // half-filled. Typed text gets line feeds instead (Chromium turns those into spaces).
    const raw = Object.fromEntries(LABELS.map((label) => [label, text().replace(/\r\n?/g, '\n')]));
    // Markup now and then where it would be stored, to see it shown as text.
    if (n % 10 === 0) raw.Title = rng.pick(TOKENS.filter((token) => /^[<"]/.test(token)));
    const typed = {};
    for (const label of LABELS) {
      await inputs[label].fill(raw[label]);
      // Chromium turns line breaks into spaces in a one-line <input>: what the app is given is
      // what the input holds.
      typed[label] = await inputs[label].inputValue();
      if (typed[label] !== raw[label]) normalized += 1;
    }
    const outcomes = Object.fromEntries(LABELS.map((label) => [label, expected(label, typed[label])]));
    const what = `input ${n}: ${LABELS.map((label) => `${label}=${show(typed[label])}`).join(' ')}`;
    await add.click();

    if (LABELS.every((label) => outcomes[label].value !== undefined)) {
      // Stored: the form clears, and the new record holds exactly the trimmed text.
      await waitFor(async () => assert.equal(await inputs.Title.inputValue(), '', 'the form clears'), { message: what });
      const stored = await storedBooks(page);
      assert.equal(stored.length, accepted.length + 1, `${what}: one book more`);
      const record = stored.find((book) => !accepted.some((a) => a.id === book.id));
      const want = { id: record.id, title: outcomes.Title.value, author: outcomes.Author.value, genre: outcomes.Genre.value };
      assert.deepEqual(record, want, `${what}: stored exactly`);
      accepted.push(want);
      if (!sorted) {
        // Newest first, so that the book just added is the row on top.
        const header = table(page).getByRole('columnheader', { name: 'ID', exact: true });
        await header.getByRole('button', { name: 'ID', exact: true }).click();
        await waitFor(async () => assert.equal(await header.getAttribute('aria-sort'), 'descending'));
        sorted = true;
      }
      await waitFor(async () => assert.deepEqual(await shownRow(page, want.id), rowOf(want)), {
        message: `${what}: shown exactly, as text`,
      });
    } else {
      // Refused: each field at fault says why, the others say nothing, and nothing is stored.
      refused += 1;
      await waitFor(async () => {
        for (const label of LABELS) {
          const state = await fieldState(inputs[label]);
          if (outcomes[label].error) assert.deepEqual(state, { invalid: 'true', text: outcomes[label].error }, label);
          else assert.deepEqual(state, { invalid: null, text: '' }, label);
        }
      }, { message: `${what}: refused with a message by each field at fault` });
      assert.equal((await storedBooks(page)).length, accepted.length, `${what}: nothing stored`);
      for (const label of LABELS) assert.equal(await inputs[label].inputValue(), typed[label], `${what}: the text typed stays`);
    }
    assert.deepEqual(await injected(page), [], `${what}: no element made of the text`);
  }
  t.diagnostic(`${INPUTS} inputs: ${accepted.length} stored, ${refused} refused; ${normalized} fields had line breaks turned into spaces by Chromium's <input>`);
  assert.ok(accepted.length >= INPUTS / 5 && refused >= INPUTS / 5, 'both outcomes are exercised');

  // After a reload: the same records, the same rows, and each sampled book's page.
  await app.reload();
  await expectCount(page, books(accepted.length));
  assert.deepEqual(await storedBooks(page), accepted, 'every book reads the same after a reload');
  const rows = await waitFor(async () => {
    const shown = await shownRows(page);
    assert.ok(shown.length > 0, 'rows are shown');
    return shown;
  });
  for (const { id, ...shown } of rows) {
    assert.deepEqual(shown, rowOf(accepted.find((book) => book.id === id)), `row of book ${id} after the reload`);
  }
  const sample = accepted.filter((book, i) => /[<&"]/.test(book.title + book.author + book.genre) || i % 10 === 0).slice(0, 20);
  for (const book of sample) {
    await app.go(`#/books/${book.id}`);
    const article = page.locator('article.book-page');
    await waitFor(async () => {
      const shown = await article.evaluate((el) => ({
        heading: el.querySelector('h2')?.textContent,
        fields: [...el.querySelectorAll('dl.book-fields dd')].slice(0, 4).map((dd) => dd.textContent),
        elements: el.querySelectorAll('h2 *, dd *').length,
      }));
      assert.deepEqual(shown, {
        heading: book.title,
        fields: [String(book.id), book.title, book.author, book.genre === '' ? '—' : book.genre],
        elements: 0,
      });
    }, { message: `the page of book ${book.id} shows it exactly` });
    assert.deepEqual(await injected(page), [], `book ${book.id}: no element made of the text`);
  }
  t.diagnostic(`${rows.length} rows and ${sample.length} book pages checked after the reload`);
  // An element made of the text would have asked for its image ("x" in `<img src=x onerror=…>`),
  // and its onerror would run once that failed: every image request is answered, none was for "x".
  const requested = await images.settled();
  assert.deepEqual(requested.filter((url) => new URL(url).pathname.endsWith('/x')), [], 'no image asked for by the text');
});

// ---------------------------------------------------------------------------------------------
// The Import control.

const importControl = (page) => page.getByLabel('Import', { exact: true });
const preview = (page) => page.getByRole('group', { name: /^Import preview/ });

/** Chooses a file in Import; returns { preview } text or { error } text, whichever comes. */
async function choose(page, name, bytes) {
  // An earlier message is marked, so that only the one for this file counts.
  await page.evaluate(() => document.querySelectorAll('.transfer [role="alert"]').forEach((el) => { el.dataset.old = '1'; }));
  await importControl(page).setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(bytes) });
  return waitFor(async () => {
    if (await preview(page).count()) return { preview: await preview(page).textContent() };
    const fresh = page.locator('.transfer [role="alert"]:not([data-old])');
    if (await fresh.count()) return { error: await fresh.textContent() };
    return false;
  }, { timeout: 20_000, message: `${name}: a preview or a message` });
}

async function cancel(page) {
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await preview(page).waitFor({ state: 'hidden' });
}

const books = (n) => (n === 1 ? '1 book' : `${n} books`);
const lines = (n) => (n === 1 ? '1 line' : `${n} lines`);

/** The preview's refusal lines, as listed. */
const listedRefusals = (page) => preview(page).evaluate((group) => {
  const heading = [...group.querySelectorAll('h4')].find((h) => / refused$/.test(h.textContent));
  return heading ? [...heading.nextElementSibling.querySelectorAll('li')].map((li) => li.textContent) : [];
});

function csvField(value, quoteAll) {
  return quoteAll || /[,"\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Fuzzed rows, with markup rows that must be stored and shown as text. */
function fuzzRows(rng, text, count, tag) {
  const rows = Array.from({ length: count }, () => ({ title: text(), author: text(), genre: text() }));
  rows.push({ title: `<img src=x onerror=alert(1)> ${tag}`, author: '<b>Mallory</b>', genre: '"><script>alert(2)</script>' });
  rows.push({ title: `=HYPERLINK("http://x","${tag}")`, author: '\u202eevil\u202c', genre: '&lt;i&gt;' });
  // A NUL in the first 8 KB makes the whole file "not a text file": keep the rows readable.
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v.replaceAll('\u0000', '\u0001')])));
}

/** Checks a preview against the rows' expected outcomes: counts and each refusal's line and reason. */
async function checkPreview(page, what, outcome, rows, lineOf, columnOf) {
  assert.ok(outcome.preview, `${what}: a preview, not ${JSON.stringify(outcome.error)}`);
  const expectations = rows.map(expectedBook);
  const good = expectations.filter((e) => e.book).length;
  const bad = rows.length - good;
  // Books that look like ones already stored are skipped, and listed: they count as read too.
  const duplicates = Number(/(\d+) books? look like books you already have/.exec(outcome.preview)?.[1] ?? 0);
  assert.match(outcome.preview, new RegExp(`${books(good - duplicates)} will be added`), what);
  if (bad) assert.match(outcome.preview, new RegExp(`${lines(bad)} refused`), what);
  else assert.doesNotMatch(outcome.preview, / refused/, what);
  const wanted = expectations
    .map((e, i) => (e.refused ? `Line ${lineOf(i)}, column “${columnOf(e.refused)}”: ${e.message}` : null))
    .filter(Boolean);
  assert.deepEqual(await listedRefusals(page), wanted, `${what}: every refused line, where and why`);
  return expectations.filter((e) => e.book).map((e) => e.book);
}

appTest('random and garbage files in Import give a preview or a message', async (app, t) => {
  const { page } = app;
  t.diagnostic(`FUZZ_SEED=${SEED}`);
  const rng = generator(SEED ^ 0x5eed);
  const text = textGenerator(rng);
  const outcomes = [];

  // A Bookshelf CSV of fuzzed rows (LF line ends): previewed exactly, then imported exactly.
  const csvRows = fuzzRows(rng, text, 14, 'csv');
  const quoteAll = rng.next() < 0.5;
  const csv = ['title,author,genre', ...csvRows.map((r) => [r.title, r.author, r.genre].map((v) => csvField(v, quoteAll)).join(','))].join('\n') + '\n';
  const csvLines = [];
  {
    let line = 2;
    for (const r of csvRows) {
      csvLines.push(line);
      // Line breaks as an editor counts them: LF, CR LF and a lone CR, one each.
      line += 1 + [r.title, r.author, r.genre].reduce((n, v) => n + (v.match(/\r\n|\r|\n/g) || []).length, 0);
    }
  }
  const csvOutcome = await choose(page, 'fuzz.csv', csv);
  outcomes.push(['fuzz.csv', csvOutcome]);
  const csvBooks = await checkPreview(page, 'fuzz.csv', csvOutcome, csvRows, (i) => csvLines[i], (label) => KEYS[label]);
  await page.getByRole('button', { name: `Import ${books(csvBooks.length)}`, exact: true }).click();
  await expectCount(page, books(csvBooks.length));
  const stored = await storedBooks(page);
  assert.deepEqual(stored.map(({ title, author, genre }) => ({ title, author, genre })), csvBooks, 'imported exactly');
  for (const book of stored) {
    await waitFor(async () => assert.deepEqual(await shownRow(page, book.id), rowOf(book)), {
      message: `imported book ${book.id} shown exactly`,
    });
  }
  assert.deepEqual(await injected(page), [], 'no element made of imported text');

  // The same file again: every book looks like one already there, listed with its title as text.
  const again = await choose(page, 'fuzz-again.csv', csv);
  outcomes.push(['fuzz-again.csv', again]);
  assert.match(again.preview, new RegExp(`${books(csvBooks.length)} look like books you already have`));
  const listed = await preview(page).evaluate((group) => [...group.querySelectorAll('.import-lines li')]
    .map((li) => ({ text: li.textContent, elements: li.querySelectorAll('*').length })));
  for (const book of csvBooks) {
    assert.ok(listed.some((li) => li.elements === 0 && li.text.includes(`“${book.title}” by ${book.author}`)), `duplicate “${book.title}” listed as text`);
  }
  assert.deepEqual(await injected(page), [], 'no element made of the duplicates list');
  await cancel(page);

  // A Bookshelf JSON of fuzzed books, one per line.
  const jsonRows = fuzzRows(rng, text, 10, 'json');
  const json = `[\n${jsonRows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`;
  const jsonOutcome = await choose(page, 'fuzz.json', json);
  outcomes.push(['fuzz.json', jsonOutcome]);
  await checkPreview(page, 'fuzz.json', jsonOutcome, jsonRows, (i) => i + 2, (label) => KEYS[label]);
  await cancel(page);

  // Garbage: random bytes, text that looks almost like a file, a damaged export.
  const STRUCTURE = ['[', ']', '{', '}', '"', '\\', ',', ':', '\n', '\r\n', ' ', 'null', '1', '"title"', '"author"', '=', '&amp;', 'é', '📚'];
  const HEADERS = ['', '[', '[{', 'title,author\n', 'id,title,author,genre,isbn,year,rating,shelf\r\n',
    'Book Id,Title,Author,ISBN,ISBN13,My Rating,Exclusive Shelf,Bookshelves\n'];
  const garbage = [];
  for (let i = 0; i < 3; i += 1) {
    garbage.push([`bytes-${i}.bin`, Buffer.from(Array.from({ length: 1 + rng.int(600) }, () => rng.int(256)))]);
  }
  for (let i = 0; i < 6; i += 1) {
    const body = Array.from({ length: rng.int(60) }, () => (rng.next() < 0.6 ? rng.pick(STRUCTURE) : text())).join('');
    garbage.push([`lookalike-${i}.txt`, Buffer.from(HEADERS[i % HEADERS.length] + body)]);
  }
  // Damaged at ASCII bytes, so that it stays UTF-8 and reaches the JSON reader.
  const damaged = Buffer.from(json);
  const ascii = [...damaged.keys()].filter((i) => damaged[i] < 0x80);
  for (let i = 0; i < 4; i += 1) damaged[rng.pick(ascii)] = rng.pick([...Buffer.from('",[]{}:\\\n')]);
  garbage.push(['damaged.json', damaged]);
  garbage.push(['truncated.json', Buffer.from(json.slice(0, Math.floor(json.length / 2)))]);
  garbage.push(['empty.csv', Buffer.alloc(0)]);
  garbage.push(['blank.csv', Buffer.from(' \n\t\u3000\n')]);
  for (const [name, bytes] of garbage) {
    const outcome = await choose(page, name, bytes);
    outcomes.push([name, outcome]);
    if (outcome.preview) {
      assert.match(outcome.preview, /^Import preview: .+ \((Bookshelf JSON|CSV|Goodreads library export)\)/, name);
      assert.match(outcome.preview, /\d+ books? will be added/, name);
      for (const line of await listedRefusals(page)) assert.match(line, /^Line \d+(, column “[^”]+”)?: \S/, name);
      await cancel(page);
    } else {
      assert.ok(outcome.error.length > 40, `${name}: ${outcome.error}`);
      assert.match(outcome.error, /\. Nothing was imported\.$/, name);
    }
    assert.deepEqual(await injected(page), [], `${name}: no element made of the text`);
  }
  assert.equal((await storedBooks(page)).length, csvBooks.length, 'only the confirmed import was written');
  for (const [name, outcome] of outcomes) {
    t.diagnostic(`${name}: ${outcome.preview ? `preview — ${outcome.preview.slice(0, 120)}` : `refused — ${outcome.error.slice(0, 120)}`}`);
  }
});
