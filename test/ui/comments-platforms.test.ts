/**
 * The comments pane on a platform thread: an article whose content links its Mastodon thread as
 * "Comments" shows the replies with the source named, what the server held back, and content warnings
 * that Space opens (a second Space folds the replies as usual).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../source/core/store.js';
import { DEFAULTS, type Settings } from '../../source/core/settings.js';
import { DiscussionsModel } from '../../source/ui/discussions-model.js';
import { CommentsModel } from '../../source/ui/comments-model.js';
import { toggleOrReveal, createTree, isRevealed } from '../../source/ui/state/comment-tree.js';
import type { Comment } from '../../source/core/comments/types.js';
import { mastodonRoutes } from '../comments/platform-fixtures.js';
import { startServer, type TestServer } from '../comments/server.js';
import { article, until } from './helpers.js';

let server: TestServer;
let dir: string;
let store: Store;
beforeAll(async () => {
  server = await startServer(mastodonRoutes());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-ui-fedi-'));
  store = Store.open(path.join(dir, 'cache.db'));
});
afterAll(async () => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  await server.close();
});

describe('the comments pane on a Mastodon thread', () => {
  it('finds the thread in the content, says what was held back, and opens a content warning with Space', async () => {
    const feed = 'https://blog.example/feed';
    const settings: Settings = { ...structuredClone(DEFAULTS), feeds: [{ url: feed }] };
    store.syncFeeds(settings.feeds);
    const html = `<p>Feeds are back.</p><p><a href="${server.base}/@alice/100">Comments</a></p>`;
    store.saveFeed(
      feed,
      { title: 'Blog', link: 'https://blog.example/', articles: [article(1, { link: 'https://blog.example/feeds-are-back', html })] },
      { etag: null, lastModified: null },
    );
    const id = store.articles({}, { limit: 1 })[0]!.id;
    const row = store.article(id)!;
    let changes = 0;
    const deps = { store, settings, openUrl: () => {} };
    let model: CommentsModel;
    const discussions = new DiscussionsModel(deps, (id) => model.listingChanged(id));
    model = new CommentsModel(deps, discussions, () => void changes++);
    model.articleChanged(row);
    await until(() => !model.loading && model.discussion !== undefined);
    const screen = model.lines(80, 60).map((l) => l.trimEnd());
    expect(screen[0]).toMatch(/^\d+ comments on Mastodon$/);
    expect(screen[1]).toBe('3 more replies are on the server — o on a [more] line opens them there');
    // bob, then carol's reply behind its warning.
    expect(screen.join('\n')).toContain('CW: spoilers for the film [Space shows it]');
    expect(screen.join('\n')).not.toContain('The butler did it');
    expect(model.perform('down', 60)).toBe(true);
    expect(model.tree!.rows[model.tree!.cursor]!.comment.author).toBe('carol');
    model.perform('toggle-collapse', 60);
    const opened = model.lines(80, 60).join('\n');
    expect(opened).toContain('CW: spoilers for the film');
    expect(opened).not.toContain('[Space shows it]');
    expect(opened).toContain('The butler did it');
    // Now Space folds carol's replies, as on any comment.
    model.perform('toggle-collapse', 60);
    expect(model.lines(80, 60).join('\n')).toMatch(/carol · .*\[\+\] 2 replies hidden/);
    model.dispose();
  });
});

describe('toggleOrReveal', () => {
  const c = (id: string, extra: Partial<Comment> = {}, children: Comment[] = []): Comment => ({
    id,
    parentId: null,
    author: id,
    published: null,
    html: '',
    score: null,
    deleted: false,
    permalink: '',
    orphan: false,
    children,
    ...extra,
  });

  it('opens a shut warning first, then folds replies; a comment without a warning folds at once', () => {
    const t = createTree([c('a', { warning: 'cw' }, [c('a1')]), c('b', {}, [c('b1')])]);
    const opened = toggleOrReveal(t);
    expect(isRevealed(opened, 'a')).toBe(true);
    expect(opened.rows).toHaveLength(4);
    expect(toggleOrReveal(opened).rows).toHaveLength(3);
    expect(toggleOrReveal({ ...t, cursor: 2 }).rows).toHaveLength(3);
  });
});
