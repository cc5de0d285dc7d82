/**
 * Faults of the server: statuses, silence, slowness, redirects that go nowhere, bodies that are not
 * what they say, and the hostile feed that never ends. Each answers through a Reply, which counts
 * the bytes the farm sends and keeps its timers cancellable when the farm closes.
 */
import type http from 'node:http';
import zlib from 'node:zlib';
import type { Affliction, PlannedFeed } from './plan.js';
import { RSS_TAIL, rssHead, rssItem, type RenderOptions, type Rendered } from './render.js';
import { escapeAttr, escapeXml } from './text.js';

export interface Reply {
  res: http.ServerResponse;
  /** A whole response. */
  send(status: number, headers: http.OutgoingHttpHeaders, body?: string | Buffer): void;
  /** Part of a body (headers already written); false when the socket's buffer is full. */
  write(chunk: string | Buffer): boolean;
  /** A timer the farm clears when it closes. */
  later(ms: number, run: () => void): void;
}

const SERVER = 'broadsheet-test-farm';

/** Where a redirect chain or loop goes next: /moved/<feed>/<hop>. */
export const movedPath = (index: number, hop: string) => `/moved/${index}/${hop}`;

/**
 * Serve `feed`'s fault. Returns false for the kinds whose fault is in the document itself (those are
 * served as a normal feed, validators and gzip included).
 */
export function misbehave(kind: Affliction, reply: Reply, feed: PlannedFeed, rendered: Rendered, base: string, huge: HugeStream): boolean {
  const html = { 'Content-Type': 'text/html; charset=UTF-8', Server: SERVER };
  const { body, contentType } = rendered;
  switch (kind) {
    case 'http-404':
      reply.send(404, html, '<!DOCTYPE html><title>Not Found</title><h1>Not Found</h1>');
      return true;
    case 'http-410':
      reply.send(410, html, '<!DOCTYPE html><title>Gone</title><h1>This feed has been removed</h1>');
      return true;
    case 'http-500':
      reply.send(500, html, '<!DOCTYPE html><h1>Internal Server Error</h1><pre>Fatal error: Allowed memory size exhausted</pre>');
      return true;
    case 'http-503':
      reply.send(503, { 'Content-Type': 'text/plain', 'Retry-After': '120', Server: SERVER }, 'Down for maintenance');
      return true;
    case 'hang':
      // The request was read; nothing ever comes back, not even headers.
      return true;
    case 'stall':
      reply.res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length, Server: SERVER });
      reply.write(body.subarray(0, Math.floor(body.length * 0.4)));
      return true;
    case 'slow':
      // 512 bytes every 500 ms (about 1 KB/s): a whole feed would take minutes.
      reply.res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length, Server: SERVER });
      drip(reply, body, 0);
      return true;
    case 'redirect-301':
      reply.send(301, { Location: feed.target!.url, Server: SERVER });
      return true;
    case 'redirect-chain':
      reply.send(302, { Location: base + movedPath(feed.index, '1'), Server: SERVER });
      return true;
    case 'redirect-loop':
      reply.send(302, { Location: base + movedPath(feed.index, 'a'), Server: SERVER });
      return true;
    case 'html-page':
      reply.send(200, html, htmlPageLinking(feed));
      return true;
    case 'empty':
      reply.send(200, { 'Content-Type': 'application/rss+xml; charset=UTF-8', Server: SERVER }, '');
      return true;
    case 'bad-gzip':
      reply.send(200, { 'Content-Type': contentType, 'Content-Encoding': 'gzip', Server: SERVER }, damagedGzip(body));
      return true;
    case 'huge':
      huge.stream(reply, feed);
      return true;
    default:
      return false;
  }
}

/** The next hop of a redirect chain (302 -> 307 -> 301 -> the healthy feed) or loop (a <-> b forever). */
export function redirectHop(reply: Reply, feed: PlannedFeed, hop: string, base: string): boolean {
  const to: Record<string, [number, string]> = {
    '1': [307, base + movedPath(feed.index, '2')],
    '2': [301, feed.target?.url ?? base + '/'],
    a: [302, base + movedPath(feed.index, 'b')],
    b: [302, base + movedPath(feed.index, 'a')],
  };
  const step = to[hop];
  if (!step) return false;
  reply.send(step[0], { Location: step[1], Server: SERVER });
  return true;
}

function drip(reply: Reply, body: Buffer, from: number) {
  if (reply.res.destroyed) return;
  if (from >= body.length) {
    reply.res.end();
    return;
  }
  reply.write(body.subarray(from, from + 512));
  reply.later(500, () => drip(reply, body, from + 512));
}

/** A real gzip stream with a stretch of its compressed data overwritten: the header is fine, inflating fails. */
function damagedGzip(body: Buffer): Buffer {
  const gz = Buffer.from(zlib.gzipSync(body));
  const from = Math.floor(gz.length / 3);
  gz.fill(0xa5, from, Math.min(gz.length - 8, from + 64));
  return gz;
}

/** A site's home page where the feed should be, with the autodiscovery link to the real one. */
function htmlPageLinking(feed: PlannedFeed): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(feed.title)}</title>
<link rel="alternate" type="application/rss+xml" title="${escapeAttr(feed.title)} feed" href="${escapeAttr(feed.target!.url)}">
<link rel="stylesheet" href="/site/style.css">
</head><body><h1>Welcome</h1><p>You are looking for our feed? This is the web page.</p></body></html>
`;
}

/** The 'huge' hostile feed: valid RSS streamed until `bytes`, with backpressure, never held whole in memory. */
export class HugeStream {
  constructor(
    private readonly render: RenderOptions,
    private readonly bytes: number,
    private readonly base: string,
  ) {}

  async stream(reply: Reply, feed: PlannedFeed) {
    const { res } = reply;
    res.writeHead(200, { 'Content-Type': 'application/rss+xml; charset=UTF-8', Server: SERVER });
    const plain = { ...feed, kind: 'blog' as const, fault: null };
    // One item rendered with a marker serial, renumbered for each copy: unique links and guids, little work.
    const MARK = '987654321';
    const template = rssItem(this.render, plain, Number(MARK), this.base);
    let sent = 0;
    const head = rssHead(plain, this.base, Date.now());
    reply.write(head);
    sent += Buffer.byteLength(head);
    let serial = 0;
    while (sent < this.bytes && !res.destroyed) {
      let chunk = '';
      for (let i = 0; i < 32; i++) chunk += template.replaceAll(MARK, String(serial++));
      sent += Buffer.byteLength(chunk);
      if (!reply.write(chunk)) await drained(res);
    }
    if (!res.destroyed) {
      reply.write(RSS_TAIL);
      res.end();
    }
  }
}

function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
