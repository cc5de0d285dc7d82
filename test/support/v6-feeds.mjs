#!/usr/bin/env node
/**
 * The sync tests' feeds, served to the Tiny Tiny RSS server from http://[::1]:80/: that server refuses
 * to fetch from 127.x and from ports other than 80 and 443, and its loopback check misses the bracketed
 * IPv6 form. Serves the files of one folder (the tests write their feeds there), and counts requests.
 * Port 80 needs root; .ci/ttrss-setup.sh starts it (`node test/support/v6-feeds.mjs DIR`).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ALIVE_PATH = '/.broadsheet-feeds';

/** Serve `dir` on [::1]:`port`; resolves to the server once it listens. */
export function startFeedServer(dir, port = 80) {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://[::1]/');
    if (url.pathname === ALIVE_PATH) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`broadsheet feed server ${dir} ${requests}\n`);
      return;
    }
    const name = path.basename(decodeURIComponent(url.pathname));
    const file = path.join(dir, name);
    fs.readFile(file, (error, body) => {
      if (error) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', 'content-length': body.length });
      res.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '::1', () => resolve(server));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? '.');
  fs.mkdirSync(dir, { recursive: true });
  startFeedServer(dir, Number(process.argv[3] ?? 80)).then(
    () => process.stderr.write(`feeds of ${dir} on http://[::1]:${process.argv[3] ?? 80}/\n`),
    (error) => {
      process.stderr.write(`v6-feeds: ${error.message}\n`);
      process.exit(1);
    },
  );
}
