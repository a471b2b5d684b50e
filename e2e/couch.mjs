// A CouchDB-protocol server for the sync tests (not a test file itself): pouchdb-server from
// node_modules, run as a child process on 127.0.0.1 and a free port, its databases (LevelDB) and
// its config in a fresh temporary directory, so that `restart()` (stop, then start on the same
// port and directory) keeps the data, as a real server going down and coming back would.
//
//   const couch = await startCouch();                 // CORS on for any origin, no admin
//   const closed = await startCouch({ cors: false }); // no Access-Control-* headers at all
//   const locked = await startCouch({ admin: { name: 'admin', password: 'pw' } });
//   await createDb(couch.url, 'books');
//   const rows = await allDocs(couch.url, 'books');
//   await couch.restart(); ... await couch.stop();
//
// Also: `localPouch()`, the `pouchdb` npm package in Node (LevelDB in a temporary directory), for
// replicating a server database as a second, independent client would.
//
// How pouchdb-server is configured here, for whoever reads a failure:
// - CORS: pouchdb-server enables it by default (any origin, credentials, the headers accept,
//   accept-language, content-language, content-type, authorization, origin, referer; methods GET,
//   HEAD, POST, PUT, DELETE, COPY). `cors: false` writes {"httpd": {"enable_cors": false}} into
//   the config file before the start: then a preflight OPTIONS gets a 404 with no
//   Access-Control-Allow-Origin, and no response carries any Access-Control-* header.
// - admin: written into the config file (`admins`) before the start; pouchdb-server hashes it on
//   load. With an admin, any request whose Authorization header has a wrong password gets 401
//   {"error":"unauthorized"}; a request without Authorization still reads and writes an existing
//   database (no _security set), as in CouchDB; creating a database needs the admin.
// - logs go to log.txt in the temporary directory (not the current directory), not to stdout.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(REPO_ROOT, 'package.json'));
const POUCHDB_SERVER = require.resolve('pouchdb-server/bin/pouchdb-server');

/** How long a start may take before it is a failure. */
const START_MS = 20_000;

/** Every server and directory still alive, killed and removed when this process exits. */
const live = new Set();
const dirs = new Set();
process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A port nobody listens on right now, on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Basic Authorization header of `auth` ({ name, password }), or none. */
export function authHeaders(auth) {
  if (!auth) return {};
  return { Authorization: `Basic ${Buffer.from(`${auth.name}:${auth.password}`).toString('base64')}` };
}

/**
 * Starts pouchdb-server on 127.0.0.1. `cors: false` turns CORS off; `admin: { name, password }`
 * makes a server admin. Returns { url (no trailing slash), port, dir, admin, stop(), restart(),
 * log() }.
 */
export async function startCouch({ cors = true, admin = null } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-couch-'));
  dirs.add(dir);
  const config = { log: { file: path.join(dir, 'log.txt') } };
  if (!cors) config.httpd = { enable_cors: false };
  if (admin) config.admins = { [admin.name]: admin.password };
  const configPath = path.join(dir, 'config.json');
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child = null;
  let output = '';
  /** How the server ended when nobody stopped it (a crash), with what it printed. */
  let crash = null;

  async function start() {
    output = '';
    const spawned = spawn(process.execPath, [
      POUCHDB_SERVER, '--port', String(port), '--host', '127.0.0.1', '--dir', path.join(dir, 'data'),
      '--config', configPath, '--no-stdout-logs', '--no-color',
    ], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = spawned;
    live.add(spawned);
    let exited = null;
    spawned.on('exit', (code, signal) => {
      exited = { code, signal };
      live.delete(spawned);
      if (child === spawned) crash = `pouchdb-server on ${url} exited on its own (${JSON.stringify(exited)}): ${output.slice(-2000)}`;
    });
    spawned.stdout.on('data', (chunk) => { output += chunk; });
    spawned.stderr.on('data', (chunk) => { output += chunk; });
    const deadline = Date.now() + START_MS;
    let last = null;
    for (;;) {
      if (exited) {
        throw new Error(`pouchdb-server exited while starting (${JSON.stringify(exited)}): ${output}`);
      }
      try {
        const response = await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) });
        const body = await response.json();
        if (response.ok && body['express-pouchdb']) break;
        last = `GET / answered ${response.status}`;
      } catch (err) {
        last = err.message;
      }
      if (Date.now() > deadline) {
        spawned.kill('SIGKILL');
        throw new Error(`pouchdb-server did not answer GET ${url}/ within ${START_MS} ms (${last}): ${output}`);
      }
      await sleep(100);
    }
  }

  /** Kills the server process (as a crash or a power cut would: SIGKILL) and waits for its end. */
  async function kill() {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const gone = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await Promise.race([gone, sleep(5000)]);
  }

  await start();
  return {
    url,
    port,
    dir,
    admin,
    /** Stops the server and removes its directory. */
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
      dirs.delete(dir);
    },
    /** Stops the server, keeping its data; `up()` starts it again. */
    async down() {
      await kill();
    },
    /** Starts the server stopped by `down()`, on the same port and directory. */
    async up() {
      if (child) return;
      await start();
    },
    /** Stops the server and starts it again, on the same port and directory (the data kept). */
    async restart() {
      await kill();
      await start();
    },
    /**
     * Throws if the server process ended on its own (pouchdb-server 4.2.0 crashes, for one, on a
     * PUT /<new db> without credentials when the server has an admin: "db.info is not a function").
     */
    assertAlive() {
      if (crash) throw new Error(crash);
    },
    /** The server's log (its log file and what it printed), for a failure's diagnostics. */
    log() {
      const file = path.join(dir, 'log.txt');
      return (existsSync(file) ? readFileSync(file, 'utf8') : '') + output;
    },
  };
}

/** Sends a request to the server and returns the parsed JSON body; throws on a status >= 400. */
export async function couchRequest(url, method, pathname, { body, auth, allow = [] } = {}) {
  const headers = { Accept: 'application/json', ...authHeaders(auth) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${url}${pathname}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = text; }
  if (response.status >= 400 && !allow.includes(response.status)) {
    throw new Error(`${method} ${pathname}: ${response.status} ${text}`);
  }
  return json;
}

/** Creates the database `name` (with the admin's `auth` on a server that has one). */
export function createDb(url, name, auth) {
  return couchRequest(url, 'PUT', `/${encodeURIComponent(name)}`, { auth });
}

/**
 * Every document of database `db` with its body and conflicts: the rows of
 * `_all_docs?include_docs=true&conflicts=true` (deleted documents are not in _all_docs).
 */
export async function allDocs(url, db, auth) {
  const result = await couchRequest(url, 'GET', `/${encodeURIComponent(db)}/_all_docs?include_docs=true&conflicts=true`, { auth });
  return result.rows;
}

/** The documents of `allDocs` that are books (not _design/ or _local/ documents), by _id. */
export async function bookDocs(url, db, auth) {
  const rows = await allDocs(url, db, auth);
  return rows.filter((row) => !row.id.startsWith('_design/')).map((row) => row.doc);
}

/** The database's info (doc_count, doc_del_count, update_seq). */
export function dbInfo(url, db, auth) {
  return couchRequest(url, 'GET', `/${encodeURIComponent(db)}`, { auth });
}

/** Every change of `db` since the start, with deleted documents and all leaf revisions. */
export async function changes(url, db, auth) {
  const result = await couchRequest(url, 'GET', `/${encodeURIComponent(db)}/_changes?style=all_docs&include_docs=true`, { auth });
  return result.results;
}

let PouchDB = null;

/**
 * A local PouchDB in Node (the `pouchdb` package, LevelDB in a fresh temporary directory), and a
 * `destroy()` that closes it and removes the directory. `PouchDB` is the class, for replicate().
 */
export async function localPouch(name = 'local') {
  if (!PouchDB) PouchDB = require('pouchdb');
  const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-pouch-'));
  dirs.add(dir);
  const db = new PouchDB(path.join(dir, name));
  return {
    db,
    PouchDB,
    /** A PouchDB of the server database `name` at `url` (for replicate.from/to). */
    remote(url, dbName, auth) {
      return new PouchDB(`${url}/${dbName}`, auth ? { auth: { username: auth.name, password: auth.password } } : {});
    },
    async destroy() {
      await db.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
      dirs.delete(dir);
    },
  };
}
