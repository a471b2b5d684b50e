// Soak: two tabs of one browser (one context, so one IndexedDB) perform a few thousand random
// operations as a person would — add (form, Enter or the button), edit (dialog, Enter or Save,
// sometimes Escape), delete (sometimes undone at once, or after a write in the other tab), small
// imports (JSON or CSV of 1–5 books, sometimes with ids, a duplicate, a refused line, or
// cancelled), a book's page, a deleted book's address, an edit of a book the other tab deletes,
// reloads — while the test keeps its own model of what must be stored, ids included (the model
// follows IndexedDB's key generator). A change goes into the model only once the UI shows it
// done. Every 100 operations, and at the end, the store read straight from IndexedDB must equal
// the model exactly — no record lost, duplicated or resurrected, every field as written — and at
// the end the app's JSON export must too. After some operations the other tab must show the change
// within 2 s: the row on its screen, the book found by a search (an edit of a book it does not
// show), or the count; the checks that a tab ignoring the change would fail are counted apart from
// those that could not. Any page error, console error or error message shown fails the run at the
// operation that caused it.
//
// Deterministic for a seed: SOAK_SEED=<number> (SOAK_SEED=random picks one) and SOAK_OPS (default
// 2000). The seed, the mix of operations and the time taken are printed as diagnostics; every
// operation is written to artifacts/soak-ops.log (on failure with the error, and screenshots of
// both tabs), so that a failure can be replayed with the same seed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  useBrowserAndServer, waitForList, addForm, field, seeded, storedRecords, ARTIFACTS, REPO_ROOT, TIMEOUT,
} from './helpers.mjs';

const shared = useBrowserAndServer();

const DEFAULT_SEED = 20260611;
const SEED = process.env.SOAK_SEED === 'random'
  ? Math.floor(Math.random() * 2 ** 32)
  : Number(process.env.SOAK_SEED || DEFAULT_SEED) >>> 0;
const OPS = Number(process.env.SOAK_OPS) || 2000;
/** How soon the other tab must show a change (README: "re-read within a moment"). */
const OTHER_TAB_MS = 2_000;
/** The store is compared with the model every this many operations (and at the end). */
const CHECK_EVERY = 100;
/**
 * A tall window: with no search and scrolled to the top, the table lists books by id and shows
 * 18 rows, the first 10 above the notices (which stick to the bottom of the window; the test
 * dismisses all but the newest two after each operation, as they would otherwise pile up over the
 * table). The books with the 10 lowest ids are on screen, to be clicked as they are.
 */
const VIEWPORT = { width: 1280, height: 1200 };
const ON_SCREEN = 10;
const LOG_FILE = path.join(ARTIFACTS, 'soak-ops.log');
const failureShot = (tab) => path.join(ARTIFACTS, `failure-soak-tab-${tab}.png`);

// ---------------------------------------------------------------------------------------------
// Randomness: mulberry32, seeded (helpers.mjs). Every choice comes from here and depends only on the model, so
// a seed replays the same operations.

const { random, chance, int, pick, weighted } = seeded(SEED);

// Text with accents, other scripts, right-to-left, emoji, quotes, commas and markup.
const WORDS = [
  'Äpfel', 'naïve', 'Żółć', '東京', 'Ελληνικά', 'שלום', 'Straße', 'café', 'Ñandú', 'Łódź', 'Москва',
  '📚', 'fiancée', 'Œuvre', 'Smørrebrød', 'Ångström', 'mañana', 'garçon', 'हिन्दी', 'العربية',
  '"quoted"', 'a,b', "O'Brien", '<b>bold</b>', 'x & y', 'plain', 'Dune', 'Hobbit', 'Ça va', '1984',
];
const AUTHORS = [
  'Émile Zola', 'Лев Толстой', '村上春樹', 'J,R,R Tolkien', 'Gabriel García Márquez', 'Wisława Szymborska',
  'Nguyễn Du', 'Halldór Laxness', "Flann O'Brien", 'محمود درويش', 'עמוס עוז', 'Chinua Achebe',
  'Ursula K. Le Guin', 'Σαπφώ', '"Anonymous"',
];
const GENRES = [
  '', '', 'Fantasy', 'Science fiction', 'Poésie', 'Роман', 'Südamerika, Magischer Realismus', 'ミステリー',
  'Essays "and" notes', 'Ficção', 'ספרות',
];
const STATUSES = { 'want-to-read': 'Want to read', reading: 'Reading', read: 'Read', 'did-not-finish': 'Did not finish' };
const DETAIL_KEYS = ['isbn', 'year', 'rating', 'status'];

let serial = 0;
/** A title no other book has had: the model is keyed by title. */
const newTitle = () => `Soak ${String(++serial).padStart(6, '0')} ${pick(WORDS)}${chance(0.3) ? ` ${pick(WORDS)}` : ''}`;
const newAuthor = () => `${pick(AUTHORS)}${chance(0.3) ? ` ${pick(WORDS)}` : ''}`;
const newGenre = () => pick(GENRES);
/** Sometimes typed with spaces around it (stored trimmed). */
const typed = (text) => (text && chance(0.1) ? `  ${text} ` : text);

/** A valid ISBN-13 (978 + 9 digits + check digit), as 13 digits. */
function newIsbn() {
  let digits = '978';
  for (let i = 0; i < 9; i++) digits += String(int(0, 9));
  const sum = [...digits].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0);
  return digits + String((10 - (sum % 10)) % 10);
}
/** An ISBN as a person might write it: plain or hyphenated. */
const writtenIsbn = (isbn) => (chance(0.5) ? isbn : `${isbn.slice(0, 3)}-${isbn.slice(3, 4)}-${isbn.slice(4, 8)}-${isbn.slice(8, 12)}-${isbn[12]}`);

/** Random details for a new book: each present or not. */
function newDetails() {
  const details = {};
  if (chance(0.15)) details.isbn = newIsbn();
  if (chance(0.3)) details.year = int(-500, 2030);
  if (chance(0.25)) details.rating = int(1, 20) / 4;
  if (chance(0.25)) details.status = pick(Object.keys(STATUSES));
  return details;
}

const countLabel = (n) => (n === 1 ? '1 book' : `${n} books`);

// ---------------------------------------------------------------------------------------------
// The model: what must be stored, by title, with ids. Ids follow IndexedDB's key generator: a
// new book takes `nextId` and the generator moves on; a book stored with its own id (an undo, an
// import) moves the generator above it if it is not already. Deleted books go to the graveyard
// (id -> title) until an undo brings the book back; an import never gives their ids to others.

const model = new Map();
const graveyard = new Map();
let nextId = 1;

const modelBooks = () => [...model.values()];
/** The books on screen in a tab with no search: the lowest ids. */
const onScreen = () => modelBooks().sort((a, b) => a.id - b.id).slice(0, ON_SCREEN);

function details(book) {
  const out = {};
  // IndexedDB keeps the rating as `stars`; the model and the files call it `rating`.
  const from = { ...book, rating: book.stars ?? book.rating };
  for (const key of DETAIL_KEYS) if (from[key] !== undefined && from[key] !== null) out[key] = from[key];
  return out;
}
/** A book as stored: id, title, author, genre and the details it has, nothing else. */
const normal = (book) => ({ id: book.id, title: book.title, author: book.author, genre: book.genre, ...details(book) });
const shown = (book) => JSON.stringify(normal(book));

function put(book) {
  assert.ok(!model.has(book.title), `model: "${book.title}" is already there`);
  assert.ok(!modelBooks().some((b) => b.id === book.id), `model: id ${book.id} is already taken`);
  for (const key of DETAIL_KEYS) if (book[key] === null || book[key] === undefined) delete book[key];
  model.set(book.title, book);
  graveyard.delete(book.id);
  nextId = Math.max(nextId, book.id + 1);
}

/** Compares stored records (IndexedDB records, or exported books) with the model. */
function differences(records, where) {
  const problems = [];
  const seen = new Map();
  for (const record of records) {
    const stored = normal(record);
    if (seen.has(stored.title)) {
      problems.push(`${where}: "${stored.title}" is stored twice (ids ${seen.get(stored.title)} and ${stored.id})`);
      continue;
    }
    seen.set(stored.title, stored.id);
    const expected = model.get(stored.title);
    if (!expected) {
      const was = graveyard.get(stored.id);
      problems.push(`${where}: extra record ${shown(stored)}${was ? ` (id ${stored.id} was "${was}", deleted)` : ''}`);
    } else if (shown(expected) !== shown(stored)) {
      problems.push(`${where}: "${stored.title}" is stored as ${shown(stored)}, expected ${shown(expected)}`);
    }
  }
  for (const book of model.values()) {
    if (!seen.has(book.title)) problems.push(`${where}: "${book.title}" is missing (lost): expected ${shown(book)}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The tabs and what they show.

/**
 * Brings the tab about to be used to the front, as a person switches tabs. (Without it, the tab
 * opened first, never brought forward, gets frames so rarely that each click waits a second or
 * two for its element to be stable.)
 */
let front = null;
async function toFront(tab) {
  if (front === tab) return;
  await tab.page.bringToFront();
  front = tab;
}

/** In the page: the error messages shown (error notices, field errors, an import's problem). */
function shownErrors() {
  return [
    ...document.querySelectorAll('.notices [role=alert] p.notice > span'),
    ...document.querySelectorAll('.field-error'),
    ...document.querySelectorAll('.transfer p[role=alert]'),
  ].map((el) => el.textContent.trim()).filter(Boolean);
}
const SHOWN_ERRORS = `(${shownErrors})()`;

/** What a tab shows now, for failure messages: the count, the rows, the notices, a dialog. */
function screenState(page) {
  return page.evaluate(() => {
    const text = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : null);
    return JSON.stringify({
      url: location.hash,
      count: text(document.getElementById('book-count')),
      search: document.getElementById('search')?.value,
      rows: [...document.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].slice(0, 4).map(text).join(' | ')),
      alerts: [...document.querySelectorAll('[role=alert]')].map(text).filter(Boolean),
      notices: [...document.querySelectorAll('.notices [role=status] p')].map(text),
      dialog: text(document.querySelector('dialog[open]')),
      transfer: text(document.querySelector('.transfer')),
      main: document.getElementById('book-count') ? undefined : text(document.getElementById('main'))?.slice(0, 300),
    }, null, 1);
  }).catch((error) => `(could not read the page: ${error.message})`);
}

/**
 * Waits until `predicate(arg, errors)`, run in the page every 10 ms, returns a truthy value, and
 * returns it; `errors` are the error messages the page shows. On timeout, throws with `what` and
 * what the tab shows. (The predicate is sent as source, so it can use no outer variables.)
 */
async function until(tab, what, predicate, arg = null, timeout = TIMEOUT) {
  const expression = `(${predicate})(${JSON.stringify(arg)}, ${SHOWN_ERRORS})`;
  // Polled from here: Playwright's waitForFunction evaluates a string with eval inside the page,
  // which the app's Content-Security-Policy forbids (as it should); DevTools' evaluate is exempt.
  const deadline = Date.now() + timeout;
  try {
    for (;;) {
      const value = await tab.page.evaluate(expression);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`Timeout ${timeout}ms exceeded.`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } catch (error) {
    throw new Error(`tab ${tab.name}: ${what}: ${error.message.split('\n')[0]}\nthe tab shows: ${await screenState(tab.page)}`);
  }
}

/**
 * Activates a button or link as a person does: a click, or (keyboard) focus and Enter. A click
 * that cannot land (a notice over the button, or the other tab's change moving the rows under
 * the pointer) is done as a person then does it: from the keyboard.
 */
async function activate(locator) {
  if (chance(0.4)) {
    try {
      await locator.click({ timeout: 3_000 });
      return;
    } catch (error) {
      if (error.name !== 'TimeoutError') throw error;
    }
  }
  await locator.press('Enter');
}

const searchBox = (tab) => tab.page.getByRole('searchbox', { name: 'Search' });

/** Empties the tab's search, and waits until the whole catalogue is listed again. */
async function clearSearch(tab) {
  if (tab.search === '') return;
  await searchBox(tab).fill('');
  tab.search = '';
  await until(tab, 'the whole catalogue listed after emptying the search', () =>
    /^\d+ books?$/.test(document.getElementById('book-count')?.textContent.trim() ?? ''));
}

/**
 * Types `book`'s title in the tab's search, and waits until the search is applied: the count reads
 * "1 of N books" (a title is found by no other book's fields). Until then the table still shows
 * the rows from before, which may hold the book as well.
 */
async function searchFor(tab, book, what, timeout) {
  await searchBox(tab).fill(book.title);
  tab.search = book.title;
  await until(tab, what, ({ expected }) =>
    document.getElementById('book-count')?.textContent.trim() === expected, { expected: `1 of ${countLabel(model.size)}` }, timeout);
}

/**
 * Picks a book to act on in `tab`, and how to reach its row: "screen", one of the lowest ids, on
 * screen with no search; "search", any book, by typing its title in the search; "searched", the
 * book the tab's search already finds (a person often does more to the book just found).
 */
function target(tab) {
  const searched = tab.search ? model.get(tab.search) : undefined;
  const r = random();
  if (searched && r < 0.4) return { book: searched, how: 'searched' };
  if (r < 0.88) return { book: pick(onScreen()), how: 'screen' };
  return { book: pick(modelBooks()), how: 'search' };
}

/**
 * Brings `book`'s row into view as `target` said, and waits until exactly that row shows the
 * model's id, title, author and genre.
 */
async function reach(tab, book, how) {
  if (how === 'search') {
    await searchFor(tab, book, `the search for ${shown(book)} (${how})`);
  } else if (how === 'screen') {
    await clearSearch(tab);
  }
  await rowShown(tab, book, `the row of ${shown(book)} (${how})`, how === 'screen');
}

/**
 * Waits until exactly one row of the tab has `book`'s title, and it shows the model's id,
 * author and genre. With `top`, the table is first scrolled back to the top, as a person would:
 * a click scrolls its row into view, which may have scrolled the table since.
 */
function rowShown(tab, book, what, top, timeout) {
  return until(tab, what, ({ id, title, author, genre, top }) => {
    const scroller = document.querySelector('.scroller');
    if (top && scroller && scroller.scrollTop !== 0) {
      scroller.scrollTop = 0;
      return false;
    }
    const rows = [...document.querySelectorAll('tbody tr[data-id]')]
      .filter((tr) => tr.querySelector('td.title')?.textContent === title)
      .map((tr) => [...tr.cells].slice(0, 4).map((td) => td.textContent));
    return rows.length === 1 && rows[0].join('\n') === [String(id), title, author, genre].join('\n');
  }, { id: book.id, title: book.title, author: book.author, genre: book.genre, top }, timeout);
}

/** Waits until no row of the tab has this title. */
const rowGone = (tab, title, what, timeout) => until(tab, what, ({ title }) =>
  ![...document.querySelectorAll('tbody tr[data-id] td.title')].some((td) => td.textContent === title), { title }, timeout);

/**
 * The book the last operation changed, for the other tab to show: `{ book }` (as stored now) or
 * `{ title, gone, wasOnScreen }` (deleted).
 */
let touched = null;

/** What the model held before an operation: its size, and each book (as `shown`) and title by id. */
const snapshot = () => ({
  size: model.size,
  books: new Map(modelBooks().map((book) => [book.id, shown(book)])),
  titles: new Map(modelBooks().map((book) => [book.id, book.title])),
});

/** True when the model differs from `before` (a snapshot): the operation wrote something. */
const changedSince = (before) =>
  model.size !== before.size || modelBooks().some((book) => before.books.get(book.id) !== shown(book));

/**
 * The other tab must follow within OTHER_TAB_MS: its count reaches the model's; when the book the
 * operation changed is on its screen (no search, a low id) or is what it searches for, that row
 * shows the change (or is gone); when an edited book is not on its screen, the other tab finds it
 * by a search for its title, showing the edit (a count never changes with an edit).
 *
 * Returns what was checked, and whether the check could fail: whether a tab that ignored the
 * change would fail it (`before` is the model's snapshot from before the operation). A count
 * that did not change, or a row that shows what it showed before, could not; nor a search for a
 * title the edit kept (the search reads the row afresh), only one for a new title (a tab that
 * ignored the change searches its old index).
 */
async function otherTabFollows(other, context, before) {
  const within = `within ${OTHER_TAB_MS} ms of ${context}`;
  await countReaches(other, `the count to reach ${model.size} books ${within}`, model.size, OTHER_TAB_MS);
  const countChanged = model.size !== before.size;
  if (touched?.book && model.get(touched.book.title) === touched.book) {
    const book = touched.book;
    const changed = before.books.get(book.id) !== shown(book);
    const visible = other.search === '' ? onScreen().includes(book) : other.search === book.title;
    if (visible) {
      await rowShown(other, book, `the row of ${shown(book)} ${within}`, other.search === '', OTHER_TAB_MS);
      return { check: 'row', couldFail: changed || countChanged };
    }
    if (changed && before.books.has(book.id)) {
      // An edit of a book the other tab does not show: look for it there, as a person would.
      const renamed = before.titles.get(book.id) !== book.title;
      await toFront(other);
      await searchFor(other, book, `the edited ${shown(book)} found by a search ${within}`, OTHER_TAB_MS);
      await rowShown(other, book, `the edited ${shown(book)} found by a search ${within}`, false, OTHER_TAB_MS);
      return { check: renamed ? 'search for the new title' : 'search for the same title', couldFail: renamed };
    }
    return { check: 'count', couldFail: countChanged };
  }
  if (touched?.gone && (other.search === touched.title || (other.search === '' && touched.wasOnScreen))) {
    await rowGone(other, touched.title, `the row of deleted "${touched.title}" to go ${within}`, OTHER_TAB_MS);
    return { check: 'row gone', couldFail: true };
  }
  return { check: 'count', couldFail: countChanged };
}

/** Waits until the tab's count reads `total` books (filtered or not). */
const countReaches = (tab, what, total, timeout) => until(tab, what, ({ expected }) => {
  const match = /(?:^| of )(\d+) books?$/.exec(document.getElementById('book-count')?.textContent.trim() ?? '');
  return !!match && Number(match[1]) === expected;
}, { expected: total }, timeout);

/**
 * In the page: dismisses (×) all but the newest `keep` confirmations, as a person clears notices
 * already read. Confirmations last 8 s, and at this pace dozens would stack up over the table.
 */
function tidyNotices(keep) {
  const notices = [...document.querySelectorAll('.notices [role=status] p.notice')];
  for (const notice of notices.slice(0, Math.max(0, notices.length - keep))) {
    notice.querySelector('button[aria-label="Dismiss"]')?.click();
  }
}

/**
 * After each operation: fails if the tab logged an error or opened a dialog, or shows an error
 * message; and tidies its notices.
 */
async function afterOperation(tab, context) {
  assert.deepEqual(tab.errors, [], `tab ${tab.name}: page or console errors after ${context}`);
  const shownNow = await tab.page.evaluate(`(${tidyNotices})(2), ${SHOWN_ERRORS}`);
  assert.deepEqual(shownNow, [], `tab ${tab.name}: error messages shown after ${context}`);
}

// ---------------------------------------------------------------------------------------------
// The operations. Each picks its randomness first, acts through the UI, waits until the UI shows
// it done, and only then changes the model. Each returns a line for the log.

async function create(tab) {
  const book = { title: newTitle(), author: newAuthor(), genre: newGenre() };
  const enter = chance(0.7);
  const form = addForm(tab.page);
  await field(form, 'Title').fill(typed(book.title));
  await field(form, 'Author').fill(typed(book.author));
  // The form is empty after each add and after a reload: an empty genre needs no typing.
  if (book.genre) await field(form, 'Genre').fill(typed(book.genre));
  if (enter) await field(form, 'Author').press('Enter');
  else await form.getByRole('button', { name: 'Add book', exact: true }).click();
  // Done when the form is emptied (after the write); failed when an error is shown.
  const outcome = await until(tab, `adding "${book.title}"`, (_, errors) => {
    if (errors.length) return `error: ${errors.join(' / ')}`;
    return document.getElementById('new-title')?.value === '' && 'done';
  });
  assert.equal(outcome, 'done', `tab ${tab.name}: adding "${book.title}"`);
  // Then the app brings the new book into view (its row marked) or says a search hides it, as a
  // person sees it before going on: acting sooner would race the table's own scroll to the book.
  await until(tab, `"${book.title}" brought into view or named as hidden`, ({ title }) =>
    [...document.querySelectorAll('tr.just-added td.title')].some((td) => td.textContent === title)
    || [...document.querySelectorAll('.notices .notice')].some((notice) =>
      notice.textContent.includes(`Added “${title}”: your search or filter hides it.`)), { title: book.title });
  book.id = nextId;
  put(book);
  touched = { book };
  return `create ${shown(book)} (${enter ? 'Enter' : 'button'})`;
}

/** Opens the edit dialog of `book` from its row, and returns the dialog. */
async function openEdit(tab, book, how) {
  await reach(tab, book, how);
  await activate(tab.page.getByRole('button', { name: `Edit ${book.title}`, exact: true }));
  // The dialog named for the book; filling its fields waits for it to open.
  return tab.page.getByRole('dialog', { name: `Edit ${book.title}`, exact: true });
}

/** Picks changes to `book` (at least one field), types them into `dialog`; returns the book changed. */
async function fillChanges(dialog, book) {
  const fields = new Set();
  while (fields.size === 0) {
    if (chance(0.5)) fields.add('title');
    if (chance(0.35)) fields.add('author');
    if (chance(0.35)) fields.add('genre');
    if (chance(0.2)) fields.add(pick(DETAIL_KEYS));
  }
  const changed = { ...book };
  const fill = (label, value) => dialog.getByLabel(label, { exact: true }).fill(value);
  for (const name of fields) {
    if (name === 'title') {
      changed.title = newTitle();
      await fill('Title', typed(changed.title));
    } else if (name === 'author') {
      do changed.author = newAuthor(); while (changed.author === book.author);
      await fill('Author', typed(changed.author));
    } else if (name === 'genre') {
      do changed.genre = newGenre(); while (changed.genre === book.genre);
      await fill('Genre', typed(changed.genre));
    } else if (name === 'isbn') {
      changed.isbn = book.isbn && chance(0.3) ? null : newIsbn();
      await fill('ISBN', changed.isbn ? writtenIsbn(changed.isbn) : '');
    } else if (name === 'year') {
      changed.year = book.year !== undefined && chance(0.3) ? null : int(-500, 2030);
      await fill('Year', changed.year === null ? '' : String(changed.year));
    } else if (name === 'rating') {
      changed.rating = book.rating && chance(0.3) ? null : int(1, 20) / 4;
      await fill('Rating', changed.rating ? String(changed.rating) : '');
    } else if (name === 'status') {
      changed.status = book.status && chance(0.3) ? null : pick(Object.keys(STATUSES));
      await dialog.getByLabel('Status', { exact: true }).selectOption(changed.status || '');
    }
  }
  return changed;
}

/** Saves the open edit dialog by Enter or by its Save button. */
async function save(dialog, enter) {
  if (enter) await dialog.getByLabel('Author', { exact: true }).press('Enter');
  else await dialog.getByRole('button', { name: 'Save', exact: true }).click();
}

/** In the page: "closed" once no dialog is open; `error: …` if an error is shown first. */
function dialogClosed(_, errors) {
  if (errors.length) return `error: ${errors.join(' / ')}`;
  return !document.querySelector('dialog[open]') && 'closed';
}

function replace(before, after) {
  model.delete(before.title);
  put(after);
  touched = { book: after };
}

async function update(tab) {
  const { book, how } = target(tab);
  const cancel = chance(0.1);
  const enter = chance(0.5);
  const dialog = await openEdit(tab, book, how);
  const changed = await fillChanges(dialog, book);
  if (cancel) {
    await dialog.getByLabel('Title', { exact: true }).press('Escape');
    await until(tab, 'the edit dialog to close on Escape', dialogClosed);
    touched = { book };
    return `edit ${shown(book)} (${how}): typed ${shown(changed)}, then Escape`;
  }
  await save(dialog, enter);
  const outcome = await until(tab, `saving ${shown(changed)}`, dialogClosed);
  assert.equal(outcome, 'closed', `tab ${tab.name}: saving ${shown(changed)}`);
  replace(book, changed);
  return `edit ${shown(book)} (${how}) -> ${shown(changed)} (${enter ? 'Enter' : 'Save'})`;
}

/** Clicks Delete on `book`'s row and waits until the row is gone and the notice says so. */
async function deleteBook(tab, book, how) {
  await reach(tab, book, how);
  await activate(tab.page.getByRole('button', { name: `Delete ${book.title}`, exact: true }));
  const outcome = await until(tab, `deleting ${shown(book)}`, ({ title, notice }, errors) => {
    if (errors.length) return `error: ${errors.join(' / ')}`;
    const gone = ![...document.querySelectorAll('tbody tr[data-id] td.title')].some((td) => td.textContent === title);
    const noticeShown = [...document.querySelectorAll('.notices [role=status] p.notice > span')].some((s) => s.textContent === notice);
    return gone && noticeShown && 'done';
  }, { title: book.title, notice: `Deleted “${book.title}”.` });
  assert.equal(outcome, 'done', `tab ${tab.name}: deleting ${shown(book)}`);
  touched = { title: book.title, gone: true, wasOnScreen: onScreen().includes(book) };
  model.delete(book.title);
  graveyard.set(book.id, book.title);
}

/** Clicks Undo in `book`'s "Deleted" notice and waits until its row is back with its own id. */
async function undo(tab, book, how) {
  const notice = tab.page.locator('.notices p.notice').filter({ hasText: `Deleted “${book.title}”.` });
  await activate(notice.getByRole('button', { name: 'Undo', exact: true }));
  // The row was on screen (or searched): it comes back there once the restore is stored.
  const cells = await until(tab, `the row of ${shown(book)} back after Undo`, ({ title, top }, errors) => {
    if (errors.length) return [`error: ${errors.join(' / ')}`];
    const scroller = document.querySelector('.scroller');
    if (top && scroller && scroller.scrollTop !== 0) {
      scroller.scrollTop = 0;
      return false;
    }
    const rows = [...document.querySelectorAll('tbody tr[data-id]')]
      .filter((tr) => tr.querySelector('td.title')?.textContent === title);
    return rows.length === 1 && [...rows[0].cells].slice(0, 4).map((td) => td.textContent);
  }, { title: book.title, top: how === 'screen' });
  assert.deepEqual(cells, [String(book.id), book.title, book.author, book.genre], `tab ${tab.name}: Undo restores ${shown(book)} with its id`);
  put(book);
  touched = { book };
}

async function remove(tab, other) {
  const { book, how } = target(tab);
  const mode = weighted({ keep: 60, undo: 30, undoAfterOther: 10 });
  await deleteBook(tab, book, how);
  if (mode === 'keep') return `delete ${shown(book)} (${how})`;
  let text = `delete ${shown(book)} (${how}), then Undo`;
  if (mode === 'undoAfterOther') {
    // Undo a moment later, after a write in the other tab (well within the notice's 8 s).
    await toFront(other);
    text += ` after [${other.name}: ${await create(other)}]`;
    await toFront(tab);
  }
  await undo(tab, book, how);
  return text;
}

/** An edit in this tab while the other tab deletes the book (and sometimes undoes that); then Save. */
async function conflict(tab, other) {
  const { book, how } = target(tab);
  const undoFirst = chance(0.3);
  const enter = chance(0.5);
  const dialog = await openEdit(tab, book, how);
  const changed = await fillChanges(dialog, book);
  // The other tab reaches the book its own way (it has not searched for it).
  const otherHow = how === 'searched' ? 'search' : how;
  await toFront(other);
  await deleteBook(other, book, otherHow);
  if (undoFirst) await undo(other, book, otherHow);
  await toFront(tab);
  await save(dialog, enter);
  const outcome = await until(tab, `saving ${shown(changed)} after the other tab's delete`, dialogClosed);
  const text = `edit ${shown(book)} (${how}) -> ${shown(changed)} while ${other.name} deletes it${undoFirst ? ' and undoes' : ''}`;
  if (undoFirst) {
    assert.equal(outcome, 'closed', `tab ${tab.name}: the book is back, so the edit is saved`);
    replace(book, changed);
    return `${text}: saved`;
  }
  assert.match(outcome, /^error: Book \d+ was not found/, `tab ${tab.name}: saving an edit of a deleted book says it was not found`);
  await until(tab, 'the edit dialog to close', () => !document.querySelector('dialog[open]'));
  const alert = tab.page.locator('.notices [role=alert] p.notice').filter({ hasText: 'was not found' });
  await alert.getByRole('button', { name: 'Dismiss', exact: true }).click();
  await alert.waitFor({ state: 'detached' });
  return `${text}: "not found", nothing resurrected`;
}

/** CSV text with these columns, every field quoted. */
function csv(columns, rows) {
  const cell = (v) => (v === undefined || v === null ? '' : `"${String(v).replace(/"/g, '""')}"`);
  const eol = chance(0.5) ? '\r\n' : '\n';
  return [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(','))].join(eol) + eol;
}

async function importFile(tab) {
  const json = chance(0.5);
  // The books, and the id each carries in the file: none, a deleted book's or a stored book's
  // (the book gets a new id: an id once used here never names another book), or one never used
  // (kept).
  const books = [];
  const fileIds = new Set();
  let renumbered = 0;
  const fresh = int(1, 5);
  for (let i = 0; i < fresh; i++) {
    const book = { title: newTitle(), author: newAuthor(), genre: newGenre(), ...newDetails() };
    const idKind = weighted({ none: 70, free: 12, taken: 8, unused: 10 });
    let fileId = null;
    if (idKind === 'free') {
      const free = [...graveyard.keys()].filter((id) => !fileIds.has(id));
      if (free.length) {
        fileId = pick(free);
        renumbered += 1;
      }
    } else if (idKind === 'taken') {
      const taken = modelBooks().filter((b) => !fileIds.has(b.id));
      if (taken.length) {
        fileId = pick(taken).id;
        renumbered += 1;
      }
    } else if (idKind === 'unused') {
      do fileId = nextId + int(0, 500); while (fileIds.has(fileId));
    }
    if (fileId !== null) fileIds.add(fileId);
    books.push({ book, fileId, keepsId: fileId !== null && idKind === 'unused' });
  }
  // Sometimes a copy of a stored book (same title and author): skipped as a duplicate.
  const duplicate = model.size && chance(0.15) ? pick(modelBooks()) : null;
  // Sometimes a line without an author: refused.
  const refused = chance(0.1) ? { title: newTitle(), author: '' } : null;
  const cancel = chance(0.08);

  const lines = books.map(({ book, fileId }) => {
    const line = { title: typed(book.title), author: book.author, genre: book.genre, ...details(book) };
    if (line.isbn && chance(0.5)) line.isbn = writtenIsbn(line.isbn);
    if (fileId !== null) line.id = fileId;
    return line;
  });
  if (duplicate) lines.splice(int(0, lines.length), 0, { title: duplicate.title, author: duplicate.author, genre: 'Duplicate' });
  if (refused) lines.splice(int(0, lines.length), 0, refused);
  let name;
  let text;
  if (json) {
    name = 'soak.json';
    text = JSON.stringify(lines.map(({ id, ...rest }) => (id === undefined ? rest : { id, ...rest })), null, chance(0.5) ? 2 : 0);
  } else {
    name = 'soak.csv';
    const columns = ['title', 'author', 'genre', ...DETAIL_KEYS];
    if (lines.some((l) => l.id !== undefined)) columns.unshift('id');
    text = csv(columns, lines);
  }
  const described = `import ${name} [${books.map(({ book, fileId }) => `${JSON.stringify(book)}${fileId !== null ? ` with id ${fileId}` : ''}`).join(', ')}]`
    + `${duplicate ? ` + a duplicate of "${duplicate.title}"` : ''}${refused ? ' + a refused line' : ''}`;

  const page = tab.page;
  await page.getByLabel('Import', { exact: true }).setInputFiles({ name, mimeType: json ? 'application/json' : 'text/csv', buffer: Buffer.from(text) });
  const preview = page.getByRole('group', { name: /^Import preview/ });
  const previewed = await until(tab, `the preview of ${name}`, (_, errors) => {
    if (errors.length) return `error: ${errors.join(' / ')}`;
    return !!document.querySelector('.import-preview') && 'shown';
  });
  assert.equal(previewed, 'shown', `tab ${tab.name}: the preview of\n${text}`);
  const summary = (await preview.textContent()).replace(/\s+/g, ' ');
  const expect = (pattern) => assert.match(summary, pattern, `tab ${tab.name}: the preview of\n${text}`);
  expect(new RegExp(`${countLabel(books.length)} will be added\\.`));
  if (renumbered) expect(new RegExp(`${countLabel(renumbered)} carry an id that a book here has, or once had`));
  else assert.doesNotMatch(summary, /carry an id that a book here has/, `tab ${tab.name}: the preview of\n${text}`);
  if (duplicate) expect(/1 book look like books you already have/);
  if (refused) expect(/1 line refused/);
  if (cancel) {
    touched = null;
    await preview.getByRole('button', { name: 'Cancel', exact: true }).click();
    await until(tab, 'the Import control after Cancel', () => !!document.getElementById('import-file'));
    return `${described}: cancelled`;
  }
  await preview.getByRole('button', { name: `Import ${countLabel(books.length)}`, exact: true }).click();
  // The Import control comes back once the write is done (or failed, with a message).
  const outcome = await until(tab, `importing ${name}`, (_, errors) => {
    if (errors.length) return `error: ${errors.join(' / ')}`;
    return !!document.getElementById('import-file') && 'done';
  });
  assert.equal(outcome, 'done', `tab ${tab.name}: importing\n${text}`);
  // One transaction: the books that keep their ids first (the key generator moves above them),
  // then the others take new ids in file order.
  for (const { book, fileId, keepsId } of books) {
    if (keepsId) {
      book.id = fileId;
      put(book);
    }
  }
  for (const { book, keepsId } of books) {
    if (!keepsId) {
      book.id = nextId;
      put(book);
    }
  }
  touched = { book: books[books.length - 1].book };
  return `${described}: ids ${books.map(({ book }) => book.id).join(', ')}`;
}

/** Clicks "All books" on a book's page and waits for the catalogue and its count. */
async function backToList(tab) {
  await activate(tab.page.getByRole('link', { name: 'All books' }));
  await until(tab, 'the catalogue after "All books"', () =>
    !document.querySelector('.book-page') && !!document.getElementById('book-count')?.textContent.trim());
}

/** Opens a book's page from its row's link, checks every field, goes back with "All books". */
async function view(tab) {
  const { book, how } = target(tab);
  await reach(tab, book, how);
  await activate(tab.page.getByRole('table').getByRole('link', { name: book.title, exact: true }));
  const fields = await until(tab, `the page of ${shown(book)}`, ({ title }) => {
    const dl = document.querySelector('dl.book-fields');
    if (!dl || document.querySelector('.book-page h2')?.textContent !== title) return false;
    return [...dl.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent]);
  }, { title: book.title });
  const expected = [['ID', String(book.id)], ['Title', book.title], ['Author', book.author], ['Genre', book.genre || '—']];
  if (book.isbn) expected.push(['ISBN', book.isbn]);
  if (book.year !== undefined) expected.push(['Year', String(book.year)]);
  if (book.status) expected.push(['Status', STATUSES[book.status]]);
  if (book.rating) expected.push(['Rating', `${book.rating} of 5`]);
  assert.deepEqual(fields, expected, `tab ${tab.name}: the page of ${shown(book)}`);
  await backToList(tab);
  return `view #/books/${book.id} (${how}) ${shown(book)}`;
}

/** Opens the page of a deleted book by its address: it must say so, not show the book. */
async function viewDeleted(tab) {
  const [id, title] = pick([...graveyard.entries()]);
  await tab.page.goto(`${tab.baseUrl}#/books/${id}`);
  const outcome = await until(tab, `"Book not found" for deleted #/books/${id} ("${title}")`, () => {
    const heading = document.querySelector('.book-page h2')?.textContent;
    return heading === 'Book not found' ? 'not found' : (heading && heading !== 'Loading…' && `shows "${heading}"`);
  });
  assert.equal(outcome, 'not found', `tab ${tab.name}: #/books/${id} was deleted ("${title}")`);
  await backToList(tab);
  return `view deleted #/books/${id} ("${title}"): not found`;
}

/** Reloads the tab; once the list is back, its count must be the model's. */
async function reload(tab) {
  await tab.page.reload();
  await waitForList(tab.page);
  tab.search = '';
  await until(tab, `the count after reload to read "${countLabel(model.size)}"`, ({ expected }) =>
    document.getElementById('book-count')?.textContent.trim() === expected, { expected: countLabel(model.size) });
  return `reload ${tab.name}`;
}

// ---------------------------------------------------------------------------------------------

async function openTab(context, name, baseUrl) {
  const page = await context.newPage();
  const tab = { name, page, baseUrl, errors: [], notes: [], search: '' };
  page.on('pageerror', (error) => tab.errors.push(`pageerror: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    const line = `console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`;
    // Chromium's own request for /favicon.ico (as in helpers.mjs): noted, not failed.
    if (/\/favicon\.ico$/.test(loc?.url || '')) tab.notes.push(line);
    else tab.errors.push(line);
  });
  page.on('crash', () => tab.errors.push('page crashed'));
  page.on('dialog', (dialog) => {
    tab.errors.push(`dialog: ${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  await page.goto(baseUrl);
  await waitForList(page);
  return tab;
}

test(`soak: two tabs, ${OPS} random operations, the store equals the model`, { timeout: 30 * 60_000 }, async (t) => {
  const started = Date.now();
  t.diagnostic(`seed ${SEED} (SOAK_SEED=${SEED} replays it), ${OPS} operations (SOAK_OPS)`);
  // Only the latest run's log and failure screenshots are left.
  for (const file of [LOG_FILE, failureShot('A'), failureShot('B')]) rmSync(file, { force: true });
  const context = await shared.browser.newContext({ viewport: VIEWPORT });
  context.setDefaultTimeout(TIMEOUT);
  const tabs = [await openTab(context, 'A', shared.server.url), await openTab(context, 'B', shared.server.url)];
  const log = [];
  const kinds = {};
  const millis = {};
  let reloads = 0;
  /** Reloads right after an operation that changed the store (not a view, a cancel, an Escape). */
  let reloadsAfterWrite = 0;
  let checks = 0;
  /** Other-tab checks that a tab ignoring the change would fail, and the others, by what they looked at. */
  const tabChecks = {};
  const tabChecksUnfailing = {};
  let current = 'opening the tabs';

  const compareStore = async (tab, when) => {
    assert.deepEqual(differences(await storedRecords(tab.page), `IndexedDB ${when}`), [], `the store should equal the model ${when}`);
    checks += 1;
  };

  try {
    for (let i = 1; i <= OPS; i++) {
      const which = int(0, 1);
      const tab = tabs[which];
      const other = tabs[1 - which];
      const size = model.size;
      const kind = weighted({
        create: 35,
        update: size ? 20 : 0,
        remove: size ? 25 : 0,
        import: 4,
        view: size ? 3 : 0,
        viewDeleted: graveyard.size ? 1 : 0,
        conflict: size ? 2 : 0,
        reload: 2,
      });
      const before = Date.now();
      const modelBefore = snapshot();
      current = `operation ${i} (${kind} in tab ${tab.name})`;
      await toFront(tab);
      touched = null;
      let text;
      switch (kind) {
        case 'create': text = await create(tab); break;
        case 'update': text = await update(tab); break;
        case 'remove': text = await remove(tab, other); break;
        case 'import': text = await importFile(tab); break;
        case 'view': text = await view(tab); break;
        case 'viewDeleted': text = await viewDeleted(tab); break;
        case 'conflict': text = await conflict(tab, other); break;
        case 'reload': text = await reload(tab); reloads += 1; break;
        default: throw new Error(kind);
      }
      const took = Date.now() - before;
      kinds[kind] = (kinds[kind] || 0) + 1;
      millis[kind] = (millis[kind] || 0) + took;
      log.push(`${String(i).padStart(5)} ${tab.name} ${String(took).padStart(5)}ms ${text}`);
      const context = current;
      // Right after an operation is shown done, sometimes reload: what was shown must be stored.
      if (kind !== 'reload' && chance(0.05)) {
        log.push(`      ${await reload(tab)} right after`);
        reloads += 1;
        // A delete always wrote, even when its Undo left the model as it was.
        if (kind === 'remove' || kind === 'conflict' || changedSince(modelBefore)) reloadsAfterWrite += 1;
      }
      // Sometimes the other tab must follow within a moment.
      if (chance(0.15)) {
        const { check, couldFail } = await otherTabFollows(other, context, modelBefore);
        const tally = couldFail ? tabChecks : tabChecksUnfailing;
        tally[check] = (tally[check] || 0) + 1;
        log.push(`      tab ${other.name} follows: ${check}${couldFail ? '' : ' (could not fail)'}`);
      }
      for (const each of tabs) await afterOperation(each, context);
      if (i % CHECK_EVERY === 0) await compareStore(tabs[int(0, 1)], `after operation ${i}`);
    }

    // The end: both tabs list every book; the store and the JSON export equal the model.
    current = 'the final checks';
    for (const tab of tabs) {
      await clearSearch(tab);
      await countReaches(tab, `the count to reach ${model.size} books at the end`, model.size);
    }
    await compareStore(tabs[0], 'at the end');
    const [download] = await Promise.all([
      tabs[1].page.waitForEvent('download'),
      tabs[1].page.getByRole('button', { name: 'Export JSON', exact: true }).click(),
    ]);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.deepEqual(differences(exported, 'the JSON export'), [], 'the JSON export should equal the model');
    for (const tab of tabs) await afterOperation(tab, 'the export');
    for (const tab of tabs) for (const note of tab.notes) t.diagnostic(`note (not a failure), tab ${tab.name}: ${note}`);

    writeFileSync(LOG_FILE, `seed ${SEED}, ${OPS} operations\n${log.join('\n')}\npassed\n`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const mix = Object.entries(kinds).sort(([, a], [, b]) => b - a)
      .map(([k, n]) => `${k} ${n} (${Math.round(millis[k] / n)} ms each)`).join(', ');
    t.diagnostic(`operations: ${mix}`);
    const sum = (tally) => Object.values(tally).reduce((a, b) => a + b, 0);
    t.diagnostic(`reloads ${reloads} (${reloadsAfterWrite} right after a write), store checks ${checks}`);
    t.diagnostic(`other-tab checks that could fail (a tab ignoring the change would): ${sum(tabChecks)} ${JSON.stringify(tabChecks)}`);
    t.diagnostic(`other-tab checks that could not (nothing it showed changed, or a search for a title the edit kept): ${sum(tabChecksUnfailing)} ${JSON.stringify(tabChecksUnfailing)}`);
    t.diagnostic(`books in the model at the end: ${model.size} (ids up to ${nextId - 1}, ${graveyard.size} deleted); elapsed ${seconds} s`);
  } catch (error) {
    writeFileSync(LOG_FILE, `seed ${SEED}, ${OPS} operations\n${log.join('\n')}\nFAILED during ${current}: ${error.stack || error}\n`);
    t.diagnostic(`seed ${SEED}: failed during ${current}; the operations before it: ${path.relative(REPO_ROOT, LOG_FILE)}`);
    for (const line of log.slice(-8)) t.diagnostic(line);
    for (const tab of tabs) {
      const shot = failureShot(tab.name);
      await tab.page.screenshot({ path: shot, fullPage: true }).catch(() => {});
      t.diagnostic(`screenshot: ${path.relative(REPO_ROOT, shot)}`);
      for (const line of tab.errors) t.diagnostic(`tab ${tab.name}: ${line}`);
    }
    throw error;
  } finally {
    await context.close();
  }
});
