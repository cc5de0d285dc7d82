/**
 * A loopback web server for the full-text tests: routes answer with a status, headers and a body (or
 * a handler of their own), and every request is recorded with its headers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route =
  | { status?: number; headers?: http.OutgoingHttpHeaders; body?: string | Buffer }
  | ((req: http.IncomingMessage, res: http.ServerResponse) => void);

export interface PageServer {
  base: string;
  /** Requests seen, in order: path and headers. */
  requests: { path: string; headers: http.IncomingHttpHeaders }[];
  hits(path: string): number;
  /** Add or replace a route while the server runs. */
  route(path: string, route: Route): void;
  close(): Promise<void>;
}

export async function startPageServer(routes: Record<string, Route>): Promise<PageServer> {
  const table = new Map(Object.entries(routes));
  const requests: PageServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ path, headers: req.headers });
    const route = table.get(path);
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    } else if (typeof route === 'function') {
      route(req, res);
    } else {
      const body = typeof route.body === 'string' ? Buffer.from(route.body) : (route.body ?? Buffer.alloc(0));
      res.writeHead(route.status ?? 200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length, ...route.headers });
      res.end(body);
    }
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    hits: (path) => requests.filter((r) => r.path === path).length,
    route: (path, route) => void table.set(path, route),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Bytes of `text` in a legacy encoding, built by decoding every one- and two-byte sequence (tests only). */
export function encodeLegacy(text: string, encoding: string): Buffer {
  const decoder = new TextDecoder(encoding, { fatal: true });
  const table = new Map<string, number[]>();
  for (let a = 0; a < 256; a++) {
    try {
      const ch = decoder.decode(new Uint8Array([a]));
      if (!table.has(ch)) table.set(ch, [a]);
    } catch {
      for (let b = 0x40; b < 256; b++) {
        try {
          const ch = decoder.decode(new Uint8Array([a, b]));
          if ([...ch].length === 1 && !table.has(ch)) table.set(ch, [a, b]);
        } catch {
          // Not a character in this encoding.
        }
      }
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    const code = table.get(ch);
    if (!code) throw new Error(`${encoding} has no ${JSON.stringify(ch)}`);
    bytes.push(...code);
  }
  return Buffer.from(bytes);
}
