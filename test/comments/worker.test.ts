/**
 * The reader parses and threads a fetched JSON discussion in a parse worker (discussion-job.ts,
 * workers/worker.ts). What comes back must be exactly what the inline path gives: the same tree, the
 * same cached copy, the same one-line errors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscussionError, loadDiscussion } from '../../source/core/comments.js';
import { createParsePool, type ParsePool } from '../../source/core/workers.js';
import { Store } from '../../source/core/store.js';
import { toFlat } from '../../source/core/comments/thread.js';
import { fixture, settingsFor, startServer, type TestServer } from './server.js';

const worker = path.resolve(import.meta.dirname, '../../.build/parse-worker.mjs');

let server: TestServer;
let pool: ParsePool;
beforeAll(async () => {
  if (!fs.existsSync(worker)) throw new Error('build first: node source/scripts/build.mjs (npm test does)');
  server = await startServer({
    '/hn/api/v1/items/9000': { body: fixture('hn-algolia-9000.json') },
    '/reddit/comments/2xmo63.json': { body: fixture('python-2xmo63.comments.json') },
    '/lobsters/s/xyz789.json': { body: fixture('lobsters-xyz789.json') },
    '/hn/api/v1/items/501': { body: '{"id": 501, "children": [' },
    '/hn/api/v1/items/77': { body: deepThread(5000) },
  });
  pool = createParsePool({ threads: 1, script: new URL(`file://${worker}`) });
});
afterAll(async () => {
  await pool.close();
  server.close();
});

/** A story whose comments nest `depth` levels (hostile: structured clone would recurse through it), as
 * JSON text built by hand (JSON.stringify recurses too). */
function deepThread(depth: number): string {
  let open = '{"id": 77, "type": "story", "title": "deep", "author": "op", "children": [';
  for (let i = 0; i < depth; i++) {
    open += `{"id": ${1000 + i}, "author": "u${i}", "text": "<p>level ${i}</p>", "created_at_i": ${1_700_000_000 + i}, "children": [`;
  }
  return open + ']}'.repeat(depth) + ']}';
}

const URLS = [
  'https://news.ycombinator.com/item?id=9000',
  'https://www.reddit.com/r/Python/comments/2xmo63/x/',
  'https://lobste.rs/s/xyz789',
  'https://news.ycombinator.com/item?id=77',
];

describe('a discussion parsed in a worker', () => {
  it.each(URLS)('is the tree and the cached copy the inline path gives: %s', async (url) => {
    const inlineStore = Store.open(':memory:');
    const workerStore = Store.open(':memory:');
    try {
      const opts = { settings: settingsFor(server.base), now: () => 42_000 };
      const inline = await loadDiscussion(url, { ...opts, store: inlineStore });
      const fromWorker = await loadDiscussion(url, { ...opts, store: workerStore, parse: (job) => pool.discussion(job) });
      // Compared flat: the deep thread's tree would overflow a recursive equality check.
      const flat = (d: typeof inline) => ({ ...d, comments: toFlat(d.comments) });
      expect(flat(fromWorker)).toEqual(flat(inline));
      expect(toFlat(fromWorker.comments).length).toBeGreaterThan(url.endsWith('=77') ? 4999 : 0);
      const key = (s: Store) => s.db.prepare('SELECT key, source, fetched_at, data FROM discussions').all();
      expect(key(workerStore)).toEqual(key(inlineStore));
    } finally {
      inlineStore.close();
      workerStore.close();
    }
  });

  it("stores the cached copy from the worker when the pool shares the reader's cache", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-disc-'));
    const inlineStore = Store.open(':memory:');
    const store = Store.open(path.join(dir, 'cache.db'));
    const shared = createParsePool({ threads: 1, script: new URL(`file://${worker}`), store });
    try {
      const url = URLS[0]!;
      const opts = { settings: settingsFor(server.base), now: () => 42_000 };
      let cacheData: string | null | undefined;
      const fromWorker = await loadDiscussion(url, {
        ...opts,
        store,
        parse: async (job) => {
          const parsed = await shared.discussion(job);
          cacheData = parsed.cacheData;
          return parsed;
        },
      });
      const inline = await loadDiscussion(url, { ...opts, store: inlineStore });
      expect(cacheData).toBeNull(); // the worker stored it: the copy never came back
      const rows = (s: Store) => s.db.prepare('SELECT key, source, fetched_at, data FROM discussions').all();
      expect(rows(store)).toEqual(rows(inlineStore));
      expect(toFlat(fromWorker.comments)).toEqual(toFlat(inline.comments));
    } finally {
      await shared.close();
      store.close();
      inlineStore.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('goes ahead of the feeds a background refresh has queued', async () => {
    const single = createParsePool({ threads: 1, script: new URL(`file://${worker}`) });
    try {
      const feed = (i: number) =>
        new TextEncoder().encode(
          `<rss version="2.0"><channel><title>f${i}</title>${'<item><title>t</title><guid>g</guid></item>'.repeat(200)}</channel></rss>`,
        );
      const done: string[] = [];
      const feeds = Array.from({ length: 20 }, (_, i) =>
        single.parse(feed(i), 'application/rss+xml', `https://f${i}.example/`).then(() => done.push(`feed ${i}`)),
      );
      const body = fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/comments/hn-algolia-9000.json'));
      const job = {
        source: 'hackernews' as const,
        bytes: new Uint8Array(body),
        id: '9000',
        url: 'https://hn.example/9000',
        pageUrl: '',
        fetchedAt: 1,
        etag: null,
        lastModified: null,
      };
      const discussion = single.discussion(job).then(() => done.push('discussion'));
      await Promise.all([...feeds, discussion]);
      // At most the feed already being parsed comes first.
      expect(done.indexOf('discussion')).toBeLessThanOrEqual(1);
    } finally {
      await single.close();
    }
  });

  it('fails with the one-line DiscussionError the inline path gives', async () => {
    const url = 'https://news.ycombinator.com/item?id=501';
    const settings = settingsFor(server.base);
    const inline = await loadDiscussion(url, { settings }).catch((e: unknown) => e);
    const fromWorker = await loadDiscussion(url, { settings, parse: (job) => pool.discussion(job) }).catch((e: unknown) => e);
    expect(inline).toBeInstanceOf(DiscussionError);
    expect(fromWorker).toBeInstanceOf(DiscussionError);
    expect((fromWorker as DiscussionError).message).toBe((inline as DiscussionError).message);
    expect((fromWorker as DiscussionError).kind).toBe('parse');
    expect((fromWorker as DiscussionError).url).toBe((inline as DiscussionError).url);
  });
});
