// The static server (scripts/serve.mjs) never redirects to another host: a path that starts with
// two slashes (`//evil.example`) must not come back as a protocol-relative Location.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../scripts/serve.mjs';

let root;
before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'bookshelf-serve-'));
  for (const dir of ['dir', 'evil.example', 'app/evil.example']) {
    mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, dir, 'index.html'), `<!doctype html><title>${dir}</title>`);
  }
});
after(() => rmSync(root, { recursive: true, force: true }));

/** GET `rawPath` exactly as written (no normalisation by a URL parser). */
function get(port, rawPath) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Asserts that `rawPath` is answered with a redirect to `expected`, on this origin. */
async function expectRedirect(server, rawPath, expected) {
  const origin = `http://127.0.0.1:${server.port}`;
  const { status, location } = await get(server.port, rawPath);
  assert.equal(status, 301, `${rawPath} should redirect`);
  assert.ok(location, `${rawPath}: a Location`);
  const target = new URL(location, `${origin}${rawPath.replace(/^\/+/, '/')}`);
  assert.equal(target.origin, origin, `${rawPath} redirected to ${JSON.stringify(location)}, another origin`);
  assert.equal(target.pathname, expected, `${rawPath} redirected to ${JSON.stringify(location)}`);
}

test('directory redirects stay on the origin, however many slashes the path starts with', async () => {
  const server = await startServer({ dir: root });
  try {
    await expectRedirect(server, '/dir', '/dir/');
    await expectRedirect(server, '//dir', '/dir/');
    await expectRedirect(server, '//evil.example', '/evil.example/');
    await expectRedirect(server, '///evil.example', '/evil.example/');
    await expectRedirect(server, '/%2F%2Fevil.example', '/%2F%2Fevil.example/');
    // And the page itself is still served at the directory URL.
    assert.equal((await get(server.port, '/evil.example/')).status, 200);
  } finally {
    await server.close();
  }
});

test('under a base path, and when /index.html is redirected to its directory', async () => {
  const based = await startServer({ dir: root, basePath: '/app/' });
  const redirecting = await startServer({ dir: root, redirectIndex: true });
  try {
    await expectRedirect(based, '/app', '/app/');
    await expectRedirect(based, '/app//evil.example', '/app//evil.example/');
    await expectRedirect(redirecting, '/dir/index.html', '/dir/');
    await expectRedirect(redirecting, '/index.html', '/');
    await expectRedirect(redirecting, '//evil.example/index.html', '/evil.example/');
    assert.equal((await get(redirecting.port, '/dir/')).status, 200);
  } finally {
    await based.close();
    await redirecting.close();
  }
});
