#!/usr/bin/env node
// The benchmark's import file: a Bookshelf CSV of `title,author,genre` rows, plausible sample
// books made like src/sample.rs makes them ("Silent River 12", "Ada Achebe", "Fantasy"; some
// accented), the same for the same row count, about 46 bytes a row (46 MB for a million). One
// row, in the middle, is the book titled "Zymurgy" (by Charlie Papazian, Brewing): no other title
// holds that word, so a search for it finds exactly one book.
//
//   node bench/million-csv.mjs [rows] [file]   (default 1,000,000 rows, into a temporary file)
//
// `writeBooksCsv(file, rows)` is what bench/import.mjs calls.

import { createWriteStream, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ADJECTIVES = ['Silent', 'Crimson', 'Hidden', 'Last', 'Golden', 'Broken', 'Distant', 'Wandering',
  'Secret', 'Burning', 'Frozen', 'Little', 'Endless', 'Quiet', 'Forgotten', 'Bright'];
const NOUNS = ['River', 'Garden', 'Empire', 'Lighthouse', 'Orchard', 'Mountain', 'Library', 'Harbor',
  'Winter', 'Kingdom', 'Station', 'Forest', 'Island', 'Letter', 'Mirror', 'Voyage'];
const FIRST_NAMES = ['Ada', 'Émile', 'Chinua', 'Haruki', 'Isabel', 'Jorge', 'Kazuo', 'Leïla', 'Margaret',
  'Nadine', 'Orhan', 'Toni', 'Ursula', 'Virginia', 'Wisława', 'Zadie'];
const LAST_NAMES = ['Achebe', 'Allende', 'Atwood', 'Borges', 'Gordimer', 'Ishiguro', 'Le Guin', 'Morrison',
  'Murakami', 'Pamuk', 'Slimani', 'Smith', 'Szymborska', 'Woolf', 'Zola', 'Ngũgĩ'];
const GENRES = ['Fantasy', 'Science Fiction', 'Mystery', 'Romance', 'History', 'Poetry', 'Biography',
  'Thriller', 'Philosophy', 'Travel', "Children's", 'Dystopian Fiction'];

/** The one book a search for "zymurgy" must find. */
export const ZYMURGY = { title: 'Zymurgy', author: 'Charlie Papazian', genre: 'Brewing' };

/** The row (1-based, after the header) that holds ZYMURGY. */
export const zymurgyRow = (rows) => Math.ceil(rows / 2);

/** The CSV's lines, `rows` books after the header, in pieces of about 1 MB. */
export function* booksCsv(rows) {
  let state = 0x2545f491;
  const pick = (words) => {
    // xorshift32: a small, fast step, enough to vary sample text.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return words[state % words.length];
  };
  const special = zymurgyRow(rows);
  let piece = 'title,author,genre\n';
  for (let row = 1; row <= rows; row += 1) {
    if (row === special) {
      piece += `${ZYMURGY.title},${ZYMURGY.author},${ZYMURGY.genre}\n`;
    } else {
      piece += `${pick(ADJECTIVES)} ${pick(NOUNS)} ${row},${pick(FIRST_NAMES)} ${pick(LAST_NAMES)},${pick(GENRES)}\n`;
    }
    if (piece.length >= 1 << 20) {
      yield piece;
      piece = '';
    }
  }
  if (piece) yield piece;
}

/** Writes the CSV of `rows` books to `file`; resolves to its size in bytes. */
export async function writeBooksCsv(file, rows) {
  const out = createWriteStream(file);
  let bytes = 0;
  for (const piece of booksCsv(rows)) {
    const buffer = Buffer.from(piece, 'utf8');
    bytes += buffer.length;
    if (!out.write(buffer)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  return bytes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = Number(process.argv[2]) || 1_000_000;
  const file = process.argv[3] || path.join(mkdtempSync(path.join(os.tmpdir(), 'bookshelf-csv-')), `books-${rows}.csv`);
  const bytes = await writeBooksCsv(file, rows);
  console.log(`${file}: ${rows.toLocaleString('en-US')} books, ${bytes.toLocaleString('en-US')} bytes`);
}
