/** The open article's header: its date once, with an age only while the age says more. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../source/core/store.js';
import { ReaderData } from '../../source/ui/reader-data.js';
import { article, FEED_A } from './helpers.js';

let dir = '';
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the article header', () => {
  it('shows a date with its year once, and the age of a recent one', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-reader-data-'));
    const store = Store.open(path.join(dir, 'cache.db'));
    store.syncFeeds([{ url: FEED_A }]);
    store.saveFeed(
      FEED_A,
      {
        title: 'Alpha',
        link: 'https://a.example/',
        articles: [
          article(1, { id: 'old', title: 'Old one', published: '2017-07-07T10:00:00.000Z' }),
          article(2, { id: 'new', title: 'New one', published: '2026-11-25T09:00:00.000Z' }),
        ],
      },
      { etag: null, lastModified: null },
    );
    const data = new ReaderData(store, { color: false, now: () => Date.parse('2026-11-25T12:00:00Z'), commentsKey: () => 'c', openKey: () => 'o' });
    const header = (title: string) => {
      const row = store.articles({}, { offset: 0, limit: 10 }).find((r) => r.title === title)!;
      return data.article(row.id, 80)!.lines.slice(0, 4).join('\n');
    };
    expect(header('Old one')).toContain('Alpha · Writer · 2017-07-07');
    expect(header('Old one')).not.toContain('(2017)');
    expect(header('New one')).toContain('Alpha · Writer · 2026-11-25 (3h)');
    store.close();
  });
});
