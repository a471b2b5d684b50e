#!/usr/bin/env node
// A tiny, dependency-free static file server for the built app (dist/).
//
//   node scripts/serve.mjs <dir> <port> [basePath]
//
// Serves <dir> under basePath (default "/"), with the right MIME types (application/wasm for the
// wasm module), index.html for directory URLs, 404 for anything else, and `Cache-Control: no-cache`
// on every answer. Refuses path traversal; every redirect stays on this origin. Tests start it
// in-process with `startServer`, which can also act as other hosts do (a long max-age, or
// `/index.html` redirected to `/`).

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** "/", "/app", "app/" and "/app/" all become "/app/" (or "/"). */
function normaliseBase(basePath) {
  let base = String(basePath || '/');
  if (!base.startsWith('/')) base = `/${base}`;
  if (!base.endsWith('/')) base = `${base}/`;
  return base;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

/**
 * `rawPath` as a path of this origin: a run of leading slashes (or backslashes, which browsers read
 * as slashes) becomes one, so `//evil.example/` can never be read as another host.
 */
function sameOriginPath(rawPath) {
  return `/${rawPath.replace(/^[/\\]+/, '')}`;
}

/** Is `child` (an absolute, resolved path) `root` itself or inside it? */
function inside(root, child) {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Starts the server. Resolves once it listens.
 * `cacheControl` replaces the `no-cache` sent with files; `redirectIndex` answers any
 * `.../index.html` with a 301 to its directory, as some hosts do.
 * @param {{dir: string, port?: number, host?: string, basePath?: string, quiet?: boolean,
 *   cacheControl?: string, redirectIndex?: boolean}} options
 * @returns {Promise<{url: string, port: number, server: import('node:http').Server, close: () => Promise<void>}>}
 */
export async function startServer({
  dir, port = 0, host = '127.0.0.1', basePath = '/', quiet = true, cacheControl = 'no-cache', redirectIndex = false,
} = {}) {
  if (!dir) throw new Error('startServer: `dir` is required');
  const root = await realpath(path.resolve(dir));
  const rootStat = await stat(root);
  if (!rootStat.isDirectory()) throw new Error(`startServer: ${root} is not a directory`);
  const base = normaliseBase(basePath);

  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return send(res, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
      }
      const rawPath = (req.url || '/').split('?')[0].split('#')[0];
      // "/app" (no trailing slash) -> "/app/", so relative asset URLs resolve under the base.
      if (base !== '/' && rawPath === base.slice(0, -1)) {
        return send(res, 301, '', { Location: base });
      }
      if (!rawPath.startsWith(base)) return send(res, 404, 'Not Found\n');

      let rel;
      try {
        rel = decodeURIComponent(rawPath.slice(base.length));
      } catch {
        return send(res, 400, 'Bad Request\n');
      }
      // Refuse NULs, backslashes and any ".." segment outright, before touching the disk.
      if (rel.includes('\0') || rel.includes('\\') || rel.split('/').includes('..')) {
        return send(res, 403, 'Forbidden\n');
      }
      if (redirectIndex && (rel === 'index.html' || rel.endsWith('/index.html'))) {
        const directory = rel.slice(0, -'index.html'.length).split('/').map(encodeURIComponent).join('/');
        return send(res, 301, '', { Location: sameOriginPath(base + directory) });
      }
      let file = path.resolve(root, `.${path.posix.sep}${rel}`);
      if (!inside(root, file)) return send(res, 403, 'Forbidden\n');

      let info;
      try {
        info = await stat(file);
        if (info.isDirectory()) {
          if (rel !== '' && !rel.endsWith('/')) {
            return send(res, 301, '', { Location: `${sameOriginPath(rawPath)}/` });
          }
          file = path.join(file, 'index.html');
          info = await stat(file);
        }
        // Symlinks must not lead out of the root either.
        const real = await realpath(file);
        if (!inside(root, real)) return send(res, 403, 'Forbidden\n');
      } catch {
        return send(res, 404, 'Not Found\n');
      }
      if (!info.isFile()) return send(res, 404, 'Not Found\n');

      const type = MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
      // Compress text and wasm as every real static host does (the bundle is measured that way).
      const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] || '')
        && /^(text\/|application\/(wasm|javascript|json|manifest\+json)|image\/svg)/.test(type);
      res.writeHead(200, {
        'Content-Type': type,
        ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : { 'Content-Length': info.size }),
        'Cache-Control': cacheControl,
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.method === 'HEAD') return res.end();
      const body = createReadStream(file).on('error', () => res.destroy());
      (gzip ? body.pipe(createGzip()) : body).pipe(res);
    } catch (err) {
      if (!res.headersSent) send(res, 500, 'Internal Server Error\n');
      else res.destroy();
      if (!quiet) console.error(err);
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const url = `http://${host}:${actualPort}${base}`;
  return {
    url,
    port: actualPort,
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [dir, portArg = '8080', basePath = '/'] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node scripts/serve.mjs <dir> <port> [basePath]');
    process.exit(2);
  }
  const port = Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: bad port ${JSON.stringify(portArg)}`);
    process.exit(2);
  }
  startServer({ dir, port, basePath, quiet: false }).then(
    ({ url, close }) => {
      console.log(url);
      const stop = () => close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err) => {
      console.error(`serve: ${err.message}`);
      process.exit(1);
    },
  );
}
