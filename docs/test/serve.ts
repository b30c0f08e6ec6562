// Serves the built site (docs/.vitepress/dist) on 127.0.0.1 as a static host would: below the base
// path (DOCS_BASE), with clean URLs (/lecture/gradients → lecture/gradients.html).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { builtFile } from './pages.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
};

/** `DOCS_BASE` as VitePress uses it: with a slash at both ends ('/' when unset). */
export function siteBase(value = process.env.DOCS_BASE ?? '/'): string {
  return `/${value}/`.replace(/\/+/g, '/');
}

export interface Site {
  /** The site's root address, ending in the base path: http://127.0.0.1:PORT/BASE/ */
  url: string;
  close(): Promise<void>;
}

/** Starts the server on a free port; a path outside `base` or not in `dist` is a 404. */
export async function serveSite(dist: string, base: string): Promise<Site> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = path.startsWith(base) ? fileFor(dist, path.slice(base.length)) : null;
    if (file === null) {
      response.writeHead(404, { 'content-type': TYPES['.html'] });
      response.end(readIfPresent(join(dist, '404.html')));
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${base}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// A file keeps its name; a page's address without an extension maps as VitePress writes it.
function fileFor(dist: string, relative: string): string | null {
  const name = extname(relative) === '' ? builtFile(relative) : relative;
  const file = normalize(join(dist, name));
  if (!file.startsWith(dist + sep)) return null; // no escaping the folder with ../
  return existsSync(file) && statSync(file).isFile() ? file : null;
}

function readIfPresent(file: string): Buffer | string {
  return existsSync(file) ? readFileSync(file) : 'not found';
}
