import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../source/core/store.js';
import { applyMark, MarkHistory } from '../source/core/marks.js';

let dir = '';
let store: Store;
afterEach(() => {
  store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function open() {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-marks-'));
  store = Store.open(path.join(dir, 'cache.db'));
  store.syncFeeds([{ url: 'https://a.example/feed' }]);
  const articles = [1, 2, 3].map((n) => ({
    id: `g${n}`,
    title: `T${n}`,
    link: '',
    author: '',
    published: null,
    html: '',
    commentsUrl: '',
    commentFeedUrl: '',
    commentCount: null,
  }));
  store.saveFeed('https://a.example/feed', { title: 'A', link: '', articles }, { etag: null, lastModified: null });
  return store.articles({}, { limit: 10 }).map((r) => r.id);
}

describe('marks', () => {
  it('applies each mark and counts what changed', () => {
    const ids = open();
    expect(applyMark(store, ids, 'read')).toBe(3);
    expect(applyMark(store, ids, 'read')).toBe(0);
    expect(applyMark(store, [ids[0]!], 'star')).toBe(1);
    expect(store.article(ids[0]!)!.starred).toBe(true);
  });

  it('undoes the last mark only, the other way round', () => {
    const ids = open();
    const history = new MarkHistory(store);
    history.mark([ids[0]!], 'star');
    history.mark([ids[1]!], 'read');
    expect(history.undo()).toBe('marked read');
    expect(store.article(ids[1]!)!.read).toBe(false);
    expect(store.article(ids[0]!)!.starred).toBe(true);
    expect(history.undo()).toBeNull();
    expect(history.markAllRead({})).toHaveLength(3);
    expect(history.undo()).toBe('marked 3 read');
    expect(store.count({ unreadOnly: true })).toBe(3);
  });
});
