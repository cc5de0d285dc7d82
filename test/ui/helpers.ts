import fs from 'node:fs';
import { expect } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../source/core/store.js';
import { DEFAULTS, type Settings } from '../../source/core/settings.js';
import { buildKeymap } from '../../source/ui/keys.js';
import { ReaderController, type ControllerDeps } from '../../source/ui/controller.js';
import type { Article } from '../../source/core/types.js';

export const FEED_A = 'https://a.example/feed';
export const FEED_B = 'https://b.example/feed';

export function article(n: number, extra: Partial<Article> = {}): Article {
  return {
    id: `guid-${n}`,
    title: `Story number ${n}`,
    link: `https://a.example/story/${n}`,
    author: 'Writer',
    published: new Date(Date.UTC(2026, 10, 25) - n * 3600_000).toISOString(),
    html: `<p>Body of story ${n}.</p><p>See <a href="https://a.example/ref/${n}">the reference</a>.</p>`,
    commentsUrl: '',
    commentFeedUrl: '',
    commentCount: n % 3 === 0 ? n : null,
    ...extra,
  };
}

/** A cache in a temp folder with `count` articles split over two feeds, and a controller over it. */
export function fixture(count = 30, size = { columns: 120, rows: 40 }, over: Partial<ControllerDeps> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-ui-'));
  const store = Store.open(path.join(dir, 'cache.db'));
  const settings: Settings = { ...structuredClone(DEFAULTS), feeds: [{ url: FEED_A, tags: ['news'] }, { url: FEED_B }] };
  store.syncFeeds(settings.feeds);
  const numbers = Array.from({ length: count }, (_, i) => i + 1);
  store.saveFeed(
    FEED_A,
    { title: 'Alpha', link: 'https://a.example/', articles: numbers.filter((n) => n % 2).map((n) => article(n)) },
    { etag: null, lastModified: null },
  );
  store.saveFeed(
    FEED_B,
    { title: 'Beta', link: 'https://b.example/', articles: numbers.filter((n) => n % 2 === 0).map((n) => article(n)) },
    { etag: null, lastModified: null },
  );
  // As a refresh does when it is done (core/refresh.ts).
  store.indexForSearch();
  const opened: string[] = [];
  let exited = 0;
  const deps: ControllerDeps = {
    store,
    settings,
    keymap: buildKeymap({}).keymap,
    color: false,
    openUrl: (url) => void opened.push(url),
    exit: () => void exited++,
    refresh: async () => 'Refreshed.',
    addFeed: async (url) => ({ kind: 'added', title: '', url, articles: 0, replacedDemo: false }),
    now: () => Date.UTC(2026, 10, 25, 12),
    ...over,
  };
  const controller = new ReaderController(deps, size.columns, size.rows);
  return {
    dir,
    store,
    controller,
    deps,
    opened,
    exited: () => exited,
    press: (...names: string[]) => names.forEach((n) => controller.handleKeyName(n)),
    close() {
      controller.dispose();
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Wait, up to 3 s, for `probe` to hold (a model answering over loopback), then assert it. */
export async function until(probe: () => boolean, what = 'the awaited state'): Promise<void> {
  for (let i = 0; i < 300 && !probe(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(probe(), what).toBe(true);
}
