/**
 * The bundled demo (feeds/) must show every discussion offline: parse each demo feed the way refresh
 * does, then load each article's discussion with every network source pointed at a closed port.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDiscussion, resolveDiscussion } from '../../source/core/comments.js';
import { countComments, preorder } from '../../source/core/comments/thread.js';
import { parseFeed } from '../../source/core/parse.js';
import { packageRoot } from '../../source/core/settings.js';

const FEEDS = path.join(packageRoot(), 'feeds');
const DEMO = ['broadsheet-blog.rss', 'field-notes.atom', 'hacker-digest.rss'].filter((f) => fs.existsSync(path.join(FEEDS, f)));

const offline = {
  sources: {
    hackernews: { api: 'http://127.0.0.1:9/api' },
    reddit: { base: 'http://127.0.0.1:9' },
    lobsters: { base: 'http://127.0.0.1:9' },
    bluesky: { api: 'http://127.0.0.1:9', web: 'http://127.0.0.1:9' },
  },
  fetch: { timeoutSeconds: 2, maxBytes: 32 * 1024 * 1024 },
};

describe.skipIf(DEMO.length === 0)('bundled demo discussions, offline', () => {
  it.each(DEMO)('%s: every discussion loads from the package', async (file) => {
    const feedUrl = pathToFileURL(path.join(FEEDS, file)).href;
    const parsed = await parseFeed(fs.readFileSync(path.join(FEEDS, file), 'utf8'), feedUrl);
    let loaded = 0;
    for (const article of parsed.articles) {
      const target = { ...article, feedUrl, guid: article.id };
      const resolved = resolveDiscussion(target);
      if (!resolved) continue;
      if (resolved.source !== 'feed') expect(resolved.localUrl, `${article.title}: local copy`).toMatch(/^file:/);
      const d = await loadDiscussion(target, { settings: offline });
      expect(d.stale).toBeUndefined();
      expect(d.total).toBeGreaterThanOrEqual(countComments(d.comments));
      // Every comment is reachable and ids are unique.
      const ids = preorder(d.comments).map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
      loaded++;
    }
    expect(loaded).toBeGreaterThan(0);
  });
});
