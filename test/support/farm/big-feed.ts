/**
 * One big, valid feed written to a file, for the parser tests and benchmarks: the farm's item shape
 * repeated until the document reaches the size asked for, every item with its own link and guid.
 */
import fs from 'node:fs';
import type { PlannedFeed } from './plan.js';
import { RSS_TAIL, rssHead, rssItem } from './render.js';

export interface BigFeedOptions {
  /** Target size in MB (10^6 bytes); the document ends with the first item past it. */
  megabytes?: number;
  seed?: number;
  bodyBytes?: number;
}

export interface BigFeed {
  file: string;
  bytes: number;
  items: number;
}

const BASE = 'http://127.0.0.1:8787';

export function writeBigFeed(file: string, { megabytes = 5, seed = 100, bodyBytes = 2000 }: BigFeedOptions = {}): BigFeed {
  // Items count down from a high serial, so the newest comes first as in a real feed.
  const top = 10_000_000;
  const anchorMs = Date.UTC(2025, 0, 1);
  const feed: PlannedFeed = {
    index: 0,
    format: 'rss',
    path: '/feed/0000.rss',
    url: `${BASE}/feed/0000.rss`,
    title: 'Broadsheet test farm: one big feed',
    topic: 'Technology',
    author: 'the newsroom',
    alphabet: 'utf-8',
    kind: 'blog',
    quirk: null,
    fault: null,
    target: null,
    everyMs: 600_000,
    anchorMs,
    newest: top,
    startNewest: top,
    churned: new Map(),
  };
  const target = megabytes * 1e6;
  const fd = fs.openSync(file, 'w');
  try {
    const head = rssHead(feed, BASE, anchorMs);
    fs.writeSync(fd, head);
    let bytes = Buffer.byteLength(head) + RSS_TAIL.length;
    let items = 0;
    let batch = '';
    while (bytes < target) {
      const item = rssItem({ items: 1, seed, bodyBytes }, feed, top - items, BASE);
      batch += item;
      bytes += Buffer.byteLength(item);
      items++;
      if (batch.length > 1 << 20) {
        fs.writeSync(fd, batch);
        batch = '';
      }
    }
    fs.writeSync(fd, batch + RSS_TAIL);
    return { file, bytes, items };
  } finally {
    fs.closeSync(fd);
  }
}
