/** A fixture server on 127.0.0.1 (port 0) for the comments tests: nothing reaches the internet. */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeAgents } from '../../source/core/http.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/comments');

export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

export interface Reply {
  status?: number;
  type?: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

/** A route: a fixed reply, or a function of the request (path with query). */
export type Route = Reply | ((url: string, req: http.IncomingMessage) => Reply);

export interface TestServer {
  base: string;
  /** Every request's path (with query), in order. */
  requests: string[];
  /** Request headers, in order. */
  headers: http.IncomingHttpHeaders[];
  routes: Map<string, Route>;
  close(): Promise<void>;
}

/** `routes` keys are paths without the query; `{{BASE}}` in string bodies becomes the server's base URL. */
export async function startServer(routes: Record<string, Route> = {}): Promise<TestServer> {
  const state = { base: '' };
  const table = new Map(Object.entries(routes));
  const requests: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    headers.push(req.headers);
    const route = table.get(url.split('?')[0]!);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const reply = typeof route === 'function' ? route(url, req) : route;
    const body = typeof reply.body === 'string' ? reply.body.replaceAll('{{BASE}}', state.base) : reply.body;
    res.writeHead(reply.status ?? 200, { 'content-type': reply.type ?? 'application/json; charset=utf-8', ...reply.headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base: state.base,
    requests,
    headers,
    routes: table,
    close: () =>
      new Promise<void>((resolve) => {
        closeAgents();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function settingsFor(base: string, maxBytes = 8 * 1024 * 1024) {
  return {
    sources: {
      hackernews: { api: `${base}/hn/api/v1` },
      reddit: { base: `${base}/reddit` },
      lobsters: { base: `${base}/lobsters` },
      bluesky: { api: `${base}/bsky`, web: `${base}/bsky-web` },
    },
    fetch: { timeoutSeconds: 5, maxBytes },
  };
}
