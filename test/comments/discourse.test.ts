/** Discourse, from a loopback forum under a subfolder: the first 20 posts, the rest in chunks of 20, gaps. */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_POSTS } from '../../source/core/comments/discourse.js';
import { commentsJsonText, commentsPlain, loadDiscussion } from '../../source/core/comments.js';
import { clearBackoff } from '../../source/core/comments/remote.js';
import { matchThreadUrl } from '../../source/core/comments/resolve.js';
import { flattenTree, preorder } from '../../source/core/comments/thread.js';
import { UNSAFE, allStrings, discourseRoutes, discourseTopic, json } from './platform-fixtures.js';
import { settingsFor, startServer, type TestServer } from './server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  clearBackoff();
});

async function load(routes: Parameters<typeof startServer>[0], path = '/forum/t/feeds-are-back/77') {
  server = await startServer(routes);
  return { d: await loadDiscussion(`${server.base}${path}`, { settings: settingsFor(server.base) }), server };
}

describe('Discourse topic URLs', () => {
  it.each([
    ['https://meta.discourse.org/t/some-topic/12345', 'https://meta.discourse.org', '12345'],
    ['https://meta.discourse.org/t/some-topic/12345/7', 'https://meta.discourse.org', '12345'],
    ['https://example.org/forum/t/slug/123', 'https://example.org/forum', '123'],
    ['https://forum.example/t/123', 'https://forum.example', '123'],
  ])('%s', (url, base, id) => {
    expect(matchThreadUrl(url)).toMatchObject({ source: 'discourse', base, id });
  });
});

describe('a Discourse topic', () => {
  it('reads the topic, then the rest of the stream 20 ids a request, never the embed endpoints', async () => {
    const t = discourseTopic();
    const { d, server: s } = await load(discourseRoutes('/forum', t));
    const chunks = s.requests.filter((r) => r.startsWith('/forum/t/77/posts.json'));
    expect(s.requests[0]).toBe('/forum/t/77.json');
    expect(chunks).toHaveLength(2); // 42 posts in the stream, 20 sent with the topic
    for (const c of chunks) expect(new URL(c, 'http://x').searchParams.getAll('post_ids[]').length).toBeLessThanOrEqual(20);
    expect(s.requests.some((r) => r.includes('/embed'))).toBe(false);
    expect(d).toMatchObject({ source: 'discourse', url: `${s.base}/forum/t/feeds-are-back/77`, opAuthor: 'op', total: 41 });
    expect(d.title).toBe('Feeds are back red 2J evil hyper');
    // Every post but the topic's own first one, each once.
    const all = preorder(d.comments);
    expect(all.map((c) => Number(c.id)).sort((a, b) => a - b)).toEqual(t.numbers.filter((n) => n > 1));
  });

  it('threads by reply_to_post_number; a reply to a deleted post (a gap) is kept, marked', async () => {
    const { d, server: s } = await load(discourseRoutes());
    const rows = flattenTree(d.comments).map((r) => `${r.depth}:${r.comment.id}`);
    expect(rows.slice(0, 5)).toEqual(['0:2', '1:3', '0:4', '0:6', '0:7']);
    const nine = d.comments.find((c) => c.id === '9')!;
    expect(nine).toMatchObject({ orphan: true, parentId: '5' });
    const all = preorder(d.comments);
    expect(all.find((c) => c.id === '11')!.score).toBe(4); // actions_summary, older servers
    expect(all.find((c) => c.id === '10')).toMatchObject({ score: 2, author: 'u10', permalink: `${s.base}/forum/t/feeds-are-back/77/10` });
    expect(all.find((c) => c.id === '13')!.isOp).toBe(true);
  });

  it('deleted and hidden posts are placeholders in their places', async () => {
    const { d } = await load(discourseRoutes());
    const all = preorder(d.comments);
    expect(all.find((c) => c.id === '7')).toMatchObject({ deleted: true, placeholder: 'deleted', html: '', author: '' });
    expect(all.find((c) => c.id === '8')).toMatchObject({ deleted: true, placeholder: 'hidden by the community', html: '' });
    expect(commentsPlain(d, 80).join('\n')).toContain('[hidden by the community]');
  });

  it('hostile text reaches no output', async () => {
    const { d } = await load(discourseRoutes());
    for (const s of allStrings(d)) expect(s).not.toMatch(UNSAFE);
    expect(commentsPlain(d, 80).join('\n') + commentsJsonText(d)).not.toMatch(UNSAFE);
  });

  it(`stops at ${MAX_POSTS} posts and says so`, async () => {
    const t = discourseTopic(1100, []);
    const { d, server: s } = await load(discourseRoutes('/forum', t));
    expect(s.requests.filter((r) => r.includes('posts.json'))).toHaveLength((MAX_POSTS - 20) / 20);
    expect(preorder(d.comments).filter((c) => c.more === undefined)).toHaveLength(MAX_POSTS - 1);
    expect(d.notice).toBe('showing the first 1,000 of 1,100 posts');
    expect(d.comments.at(-1)).toMatchObject({ more: 100, permalink: `${s.base}/forum/t/feeds-are-back/77/1001` });
  });

  it('a 429 stops the walk, keeps what arrived, and no request goes there until Retry-After has passed', async () => {
    const t = discourseTopic(100, []);
    let n = 0;
    const { d, server: s } = await load(
      discourseRoutes('/forum', t, () => (++n === 2 ? json({ errors: ['slow down'] }, { status: 429, headers: { 'retry-after': '120' } }) : undefined)),
    );
    expect(d.notice).toMatch(/^the server asked us to slow down: \d+ posts not loaded$/);
    expect(preorder(d.comments).length).toBeGreaterThanOrEqual(39);
    expect(preorder(d.comments).length).toBeLessThan(99);
    const before = s.requests.length;
    await expect(loadDiscussion(`${s.base}/forum/t/x/77`, { settings: settingsFor(s.base), maxAgeMs: 0 })).rejects.toThrow(
      /rate limited by the server: retry after 1[12]\d s/,
    );
    expect(s.requests.length).toBe(before);
  });
});
