/**
 * The cockpit (web/, built by `vite build` into web/dist) served at `/`.
 * Files are read from disk per request; the build is a handful of hashed
 * assets, so no static-file dependency is needed. Without a build the
 * server's plain index page stays at `/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** Where `vite build` writes the cockpit. */
export const COCKPIT_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the built cockpit from `dir` when it has an index.html: `/` (ahead
 * of the plain index page) and `/assets/*`. Returns whether it did.
 */
export function registerCockpit(app: FastifyInstance, dir: string = COCKPIT_DIST): boolean {
  const root = resolve(dir);
  const indexPath = join(root, 'index.html');
  if (!existsSync(indexPath)) return false;
  // A hook rather than a route: server.ts already has its own `/`, which this replaces only when a build exists.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    const path = request.url.split('?')[0];
    if (path !== '/' && path !== '/index.html') return;
    return reply.type(CONTENT_TYPES['.html']!).header('cache-control', 'no-cache').send(readFileSync(indexPath));
  });
  app.get('/assets/*', async (request, reply) => {
    const wanted = (request.params as { '*': string })['*'];
    const file = resolve(root, 'assets', wanted);
    if (!file.startsWith(join(root, 'assets') + sep) || !existsSync(file)) return reply.status(404).send({ error: `/assets/${wanted} is not part of the cockpit build` });
    // Vite names assets by content hash, so they never change under one name.
    return reply
      .type(CONTENT_TYPES[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(readFileSync(file));
  });
  return true;
}
