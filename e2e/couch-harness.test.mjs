// The sync tests' server, checked on its own (no browser, a few seconds): pouchdb-server keeps its
// data across a restart, answers with CORS headers or (cors: false) with none, refuses a wrong
// password with 401 (and says so in a response the page may read), and the pouchdb package in
// Node replicates from it. If one of these fails, the sync tests' failures say nothing of the app.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCouch, createDb, allDocs, couchRequest, authHeaders, localPouch } from './couch.mjs';

const ORIGIN = 'http://127.0.0.1:9999';

/** A CORS preflight for a PUT with Authorization and Content-Type, as a page's fetch sends it. */
const preflight = (url) => fetch(`${url}/books/x`, {
  method: 'OPTIONS',
  headers: {
    Origin: ORIGIN,
    'Access-Control-Request-Method': 'PUT',
    'Access-Control-Request-Headers': 'authorization,content-type',
  },
});

test('pouchdb-server: data kept across a restart; CORS on by default', { timeout: 60_000 }, async () => {
  const couch = await startCouch();
  try {
    await createDb(couch.url, 'books');
    await couchRequest(couch.url, 'PUT', '/books/one', { body: { title: 'One' } });
    const before = await preflight(couch.url);
    assert.equal(before.headers.get('access-control-allow-origin'), ORIGIN);
    assert.match(before.headers.get('access-control-allow-headers'), /authorization/);
    await couch.restart();
    const rows = await allDocs(couch.url, 'books');
    assert.deepEqual(rows.map((row) => [row.id, row.doc.title]), [['one', 'One']]);
    // down()/up(): refused while down, back with the data.
    await couch.down();
    await assert.rejects(fetch(`${couch.url}/`));
    await couch.up();
    assert.equal((await allDocs(couch.url, 'books')).length, 1);
  } finally {
    await couch.stop();
  }
});

test('pouchdb-server: cors:false sends no Access-Control headers', { timeout: 60_000 }, async () => {
  const couch = await startCouch({ cors: false });
  try {
    await createDb(couch.url, 'books');
    const answer = await preflight(couch.url);
    assert.equal(answer.headers.get('access-control-allow-origin'), null);
    const get = await fetch(`${couch.url}/books`, { headers: { Origin: ORIGIN } });
    assert.equal(get.status, 200);
    assert.deepEqual([...get.headers.keys()].filter((h) => h.startsWith('access-control')), []);
  } finally {
    await couch.stop();
  }
});

test('pouchdb-server: admin makes a wrong password a 401 that carries CORS headers', { timeout: 60_000 }, async () => {
  const admin = { name: 'admin', password: 'correct horse' };
  const couch = await startCouch({ admin });
  try {
    // (No request without credentials to create a database: pouchdb-server 4.2.0 crashes on it.)
    await assert.rejects(createDb(couch.url, 'nope', { name: 'admin', password: 'wrong' }), /401/);
    await createDb(couch.url, 'books', admin);
    const wrong = await fetch(`${couch.url}/books`, {
      headers: { Origin: ORIGIN, ...authHeaders({ name: 'admin', password: 'wrong' }) },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('access-control-allow-origin'), ORIGIN, 'a page can read the 401');
    assert.equal(wrong.headers.get('www-authenticate'), null, 'no browser login prompt');
    const right = await fetch(`${couch.url}/books`, { headers: authHeaders(admin) });
    assert.equal(right.status, 200);
    couch.assertAlive();
  } finally {
    await couch.stop();
  }
});

test('the pouchdb package in Node replicates both ways with the server', { timeout: 60_000 }, async () => {
  const couch = await startCouch();
  const local = await localPouch();
  try {
    await createDb(couch.url, 'books');
    await couchRequest(couch.url, 'PUT', '/books/from-server', { body: { title: 'S' } });
    await local.db.put({ _id: 'from-node', title: 'N' });
    const remote = local.remote(couch.url, 'books');
    await local.PouchDB.replicate(remote, local.db);
    await local.PouchDB.replicate(local.db, remote);
    assert.deepEqual((await local.db.allDocs()).rows.map((r) => r.id), ['from-node', 'from-server']);
    assert.deepEqual((await allDocs(couch.url, 'books')).map((r) => r.id), ['from-node', 'from-server']);
    await remote.close();
  } finally {
    await local.destroy();
    await couch.stop();
  }
});
