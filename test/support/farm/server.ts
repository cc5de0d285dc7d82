/**
 * The farm's HTTP server on loopback: every feed pre-rendered (and gzipped) at start, served with an
 * ETag and a Last-Modified that conditional requests are checked against (If-None-Match first, weak
 * comparison, as RFC 9110 says), optional latency and jitter, and churn that adds items to some feeds
 * every few seconds. Faulty and hostile feeds answer as misbehave.ts says. Counters say what was
 * asked and what was sent.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';
import { EVIL_DTD } from './hostile.js';
import { describeFeed, writeLists, type FarmFeed, type ListFiles } from './lists.js';
import { HugeStream, misbehave, redirectHop, type Reply } from './misbehave.js';
import { planFeeds, type Affliction, type PlannedFeed } from './plan.js';
import { renderFeed, type Rendered } from './render.js';
import { escapeXml, seeded } from './text.js';

export interface FarmOptions {
  /** Number of feeds (50) and items per feed (30). */
  feeds?: number;
  items?: number;
  /** Same seed and options, same documents (100 by default). */
  seed?: number;
  /** Approximate size of each item's HTML body (2000 bytes). */
  bodyBytes?: number;
  atomShare?: number;
  latin1Share?: number;
  podcastShare?: number;
  /** Valid-but-quirky feeds, about one in five (on by default). */
  quirks?: boolean;
  /** One feed of each fault kind, of each hostile kind (times `faultsEach`). */
  faults?: boolean;
  hostile?: boolean;
  faultsEach?: number;
  /** Size of the endless 'huge' feed, MiB (256). */
  hugeMiB?: number;
  /** Delay before every response, plus a seeded 0..jitterMs. */
  latencyMs?: number;
  jitterMs?: number;
  /** Every churnSeconds, a new item in about churnShare of the healthy feeds (0: feeds never change). */
  churnSeconds?: number;
  churnShare?: number;
  validators?: 'both' | 'etag' | 'last-modified' | 'none';
  gzip?: boolean;
  /** 0 = any free port. Always 127.0.0.1. */
  port?: number;
}

export interface FarmCounters {
  requests: number;
  byStatus: Record<string, number>;
  notModified: number;
  gzip: number;
  conditional: number;
  bytesOut: number;
  inFlight: number;
  peakInFlight: number;
  sockets: number;
  peakSockets: number;
  faultHits: Partial<Record<Affliction, number>>;
  userAgents: Record<string, number>;
  evilDtdFetches: number;
  churnTicks: number;
}

export interface Farm {
  url: string;
  port: number;
  feeds: FarmFeed[];
  /** Every feed URL, in order. */
  urls: string[];
  /** The first feed of each fault and hostile kind. */
  faulty: Partial<Record<Affliction, string>>;
  /** Uncompressed size of every document at start, and how many are RSS and Atom. */
  bytes: number;
  formats: { rss: number; atom: number };
  /** Live counters (also served as JSON at /__stats). */
  counters: FarmCounters;
  writeLists(dir: string): ListFiles;
  close(): Promise<void>;
}

interface Served {
  plan: PlannedFeed;
  doc: Rendered & { etag: string; lastModifiedHeader: string; gzipped: Buffer | null };
}

const DEFAULTS: Required<FarmOptions> = {
  feeds: 50,
  items: 30,
  seed: 100,
  bodyBytes: 2000,
  atomShare: 0.3,
  latin1Share: 0.05,
  podcastShare: 0.1,
  quirks: true,
  faults: false,
  hostile: false,
  faultsEach: 1,
  hugeMiB: 256,
  latencyMs: 0,
  jitterMs: 0,
  churnSeconds: 0,
  churnShare: 0.1,
  validators: 'both',
  gzip: true,
  port: 0,
};

export async function startFarm(options: FarmOptions = {}): Promise<Farm> {
  const o: Required<FarmOptions> = { ...DEFAULTS, ...options };
  const counters: FarmCounters = {
    requests: 0,
    byStatus: {},
    notModified: 0,
    gzip: 0,
    conditional: 0,
    bytesOut: 0,
    inFlight: 0,
    peakInFlight: 0,
    sockets: 0,
    peakSockets: 0,
    faultHits: {},
    userAgents: {},
    evilDtdFetches: 0,
    churnTicks: 0,
  };
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const byPath = new Map<string, Served>();
  let served: Served[] = [];
  let base = '';
  let huge: HugeStream;
  const jitter = seeded(o.seed, 'jitter');

  const render = (plan: PlannedFeed): Served['doc'] => {
    const doc = renderFeed(o, plan, base);
    const etag = `W/"${doc.body.length.toString(16)}-${crypto.createHash('sha1').update(doc.body).digest('hex').slice(0, 16)}"`;
    return { ...doc, etag, lastModifiedHeader: new Date(doc.lastModified).toUTCString(), gzipped: o.gzip ? zlib.gzipSync(doc.body) : null };
  };

  const server = http.createServer((req, res) => {
    counters.requests++;
    counters.inFlight++;
    counters.peakInFlight = Math.max(counters.peakInFlight, counters.inFlight);
    const agent = String(req.headers['user-agent'] ?? '-').slice(0, 80);
    counters.userAgents[agent] = (counters.userAgents[agent] ?? 0) + 1;
    res.on('finish', () => (counters.byStatus[res.statusCode] = (counters.byStatus[res.statusCode] ?? 0) + 1));
    res.on('close', () => counters.inFlight--);
    const reply = replyFor(res);
    const delay = o.latencyMs + (o.jitterMs ? jitter() * o.jitterMs : 0);
    if (delay > 0) reply.later(delay, () => route(req, reply));
    else route(req, reply);
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    counters.sockets++;
    counters.peakSockets = Math.max(counters.peakSockets, counters.sockets);
    socket.on('close', () => {
      sockets.delete(socket);
      counters.sockets--;
    });
  });

  function replyFor(res: http.ServerResponse): Reply {
    return {
      res,
      send(status, headers, body = '') {
        const bytes = typeof body === 'string' ? Buffer.from(body) : body;
        res.writeHead(status, { 'Content-Length': bytes.length, ...headers });
        counters.bytesOut += bytes.length;
        res.end(bytes);
      },
      write(chunk) {
        counters.bytesOut += Buffer.byteLength(chunk);
        return res.write(chunk);
      },
      later(ms, run) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) run();
        }, ms);
        timers.add(timer);
      },
    };
  }

  function route(req: http.IncomingMessage, reply: Reply) {
    const pathname = new URL(req.url ?? '/', base).pathname;
    const feed = byPath.get(pathname);
    if (feed) return serveFeed(req, reply, feed);
    const moved = /^\/moved\/(\d+)\/(\w+)$/.exec(pathname);
    if (moved && served[Number(moved[1])] && redirectHop(reply, served[Number(moved[1])]!.plan, moved[2]!, base)) return;
    if (pathname === '/__stats') return reply.send(200, { 'Content-Type': 'application/json' }, JSON.stringify(counters, null, 1));
    if (pathname === '/evil.dtd') {
      counters.evilDtdFetches++;
      return reply.send(200, { 'Content-Type': 'application/xml-dtd' }, EVIL_DTD);
    }
    if (pathname.startsWith('/site/')) {
      return reply.send(
        200,
        { 'Content-Type': 'text/html; charset=UTF-8' },
        `<!DOCTYPE html><title>Article</title><p>Stand-in page for ${escapeXml(pathname)}</p>\n`,
      );
    }
    if (pathname.startsWith('/media/'))
      return reply.send(200, { 'Content-Type': pathname.endsWith('.mp3') ? 'audio/mpeg' : 'image/png' }, 'stand-in media bytes');
    reply.send(404, { 'Content-Type': 'text/plain' }, 'not found');
  }

  function serveFeed(req: http.IncomingMessage, reply: Reply, { plan, doc }: Served) {
    if (plan.fault) {
      counters.faultHits[plan.fault] = (counters.faultHits[plan.fault] ?? 0) + 1;
      if (misbehave(plan.fault, reply, plan, doc, base, huge)) return;
    }
    const validators: http.OutgoingHttpHeaders = { 'Cache-Control': 'max-age=0, must-revalidate', Vary: 'Accept-Encoding' };
    if (o.validators === 'both' || o.validators === 'etag') validators.ETag = doc.etag;
    if (o.validators === 'both' || o.validators === 'last-modified') validators['Last-Modified'] = doc.lastModifiedHeader;
    if (notModified(req, doc)) {
      counters.notModified++;
      return reply.send(304, validators);
    }
    let body = doc.body;
    const headers: http.OutgoingHttpHeaders = { ...validators, 'Content-Type': doc.contentType };
    if (doc.gzipped && acceptsGzip(req.headers['accept-encoding'])) {
      body = doc.gzipped;
      headers['Content-Encoding'] = 'gzip';
      counters.gzip++;
    }
    if (req.method === 'HEAD') {
      reply.res.writeHead(200, { ...headers, 'Content-Length': body.length }).end();
      return;
    }
    reply.send(200, headers, body);
  }

  function notModified(req: http.IncomingMessage, doc: Served['doc']): boolean {
    const ifNoneMatch = req.headers['if-none-match'];
    const ifModifiedSince = req.headers['if-modified-since'];
    if (ifNoneMatch === undefined && ifModifiedSince === undefined) return false;
    counters.conditional++;
    if (ifNoneMatch !== undefined) {
      if (o.validators !== 'both' && o.validators !== 'etag') return false;
      const ours = doc.etag.replace(/^W\//, '');
      return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || tag.trim().replace(/^W\//, '') === ours);
    }
    if (o.validators !== 'both' && o.validators !== 'last-modified') return false;
    const since = Date.parse(ifModifiedSince!);
    return Number.isFinite(since) && doc.lastModified <= since;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  huge = new HugeStream(o, o.hugeMiB * 1024 * 1024, base);
  served = planFeeds(o, base, Date.now()).map((plan) => ({ plan, doc: render(plan) }));
  for (const s of served) byPath.set(s.plan.path, s);

  if (o.churnSeconds > 0) {
    const rng = seeded(o.seed, 'churn');
    const healthy = served.filter((s) => !s.plan.fault);
    const tick = setInterval(() => {
      counters.churnTicks++;
      for (const s of healthy) {
        if (rng() >= o.churnShare) continue;
        s.plan.newest++;
        s.plan.churned.set(s.plan.newest, Date.now());
        s.doc = render(s.plan);
      }
    }, o.churnSeconds * 1000);
    tick.unref();
    timers.add(tick);
  }

  const feeds = served.map((s) => describeFeed(s.plan, o.items, s.doc.body.length));
  const faulty: Farm['faulty'] = {};
  for (const f of feeds) if (f.fault && !faulty[f.fault]) faulty[f.fault] = f.url;
  return {
    url: base,
    port,
    feeds,
    urls: feeds.map((f) => f.url),
    faulty,
    bytes: feeds.reduce((sum, f) => sum + f.bytes, 0),
    formats: { rss: feeds.filter((f) => f.format === 'rss').length, atom: feeds.filter((f) => f.format === 'atom').length },
    counters,
    writeLists: (dir) => writeLists(dir, feeds, base, o),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Accept-Encoding allows gzip (by name or `*`) with a non-zero quality. */
export function acceptsGzip(header: string | undefined): boolean {
  for (const part of (header ?? '').split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
