/** Mastodon (and servers speaking its API), from a loopback server shaped like its API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentsJsonText, commentsPlain, loadDiscussion } from '../../source/core/comments.js';
import { matchThreadUrl } from '../../source/core/comments/resolve.js';
import { flattenTree, preorder } from '../../source/core/comments/thread.js';
import { HOSTILE, UNSAFE, allStrings, mastodonRoutes } from './platform-fixtures.js';
import { settingsFor, startServer, type TestServer } from './server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer(mastodonRoutes());
});
afterAll(() => server.close());

const load = (url: string) => loadDiscussion(url, { settings: settingsFor(server.base) });

describe('Mastodon status URLs', () => {
  it.each([
    ['https://mastodon.social/@Gargron/109341234567890123', 'https://mastodon.social', '109341234567890123'],
    ['https://mastodon.social/@someone@other.example/110000000000000001', 'https://mastodon.social', '110000000000000001'],
    ['https://social.example/users/alice/statuses/1234', 'https://social.example', '1234'],
    ['http://127.0.0.1:8080/@alice/100/', 'http://127.0.0.1:8080', '100'],
  ])('%s', (url, base, id) => {
    expect(matchThreadUrl(url)).toMatchObject({ source: 'mastodon', base, id });
  });

  it.each([
    'https://mastodon.social/@Gargron',
    'https://medium.com/@writer/my-post-1a2b3c',
    'https://mastodon.social/@a/123/reblogs',
    'https://mastodon.social/@a/123?x=1',
  ])('%s is not a status', (url) => {
    expect(matchThreadUrl(url)?.source).not.toBe('mastodon');
  });
});

describe('a Mastodon thread', () => {
  it("asks the status and its context of the URL's own host, and threads by in_reply_to_id", async () => {
    server.requests.length = 0;
    const d = await load(`${server.base}/@alice/100`);
    expect(server.requests.sort()).toEqual(['/api/v1/statuses/100', '/api/v1/statuses/100/context']);
    expect(d).toMatchObject({ source: 'mastodon', url: `${server.base}/@alice/100`, opAuthor: 'alice' });
    expect(d.title).toBe('@alice: New post: Feeds are back');
    const rows = flattenTree(d.comments).map((r) => `${r.depth}:${r.comment.more !== undefined ? `more${r.comment.more}` : r.comment.author}`);
    // Replies to the status are the top level; the 24-level chain under "deep" is kept whole.
    expect(rows.slice(0, 6)).toEqual(['0:bob', '1:carol', '2:alice', '3:more2', '0:deep', '1:level1']);
    expect(Math.max(...flattenTree(d.comments).map((r) => r.depth))).toBe(24);
    const all = preorder(d.comments);
    expect(all.find((c) => c.id === '101')).toMatchObject({ score: 5, permalink: `${server.base}/@bob/101`, html: '<p>Status 101 says hello</p>' });
    expect(all.find((c) => c.id === '103')!.isOp).toBe(true);
  });

  it('a content warning is kept apart from the body', async () => {
    const d = await load(`${server.base}/@alice/100`);
    const cw = preorder(d.comments).find((c) => c.id === '102')!;
    expect(cw.warning).toBe('spoilers for the film');
    expect(cw.html).toBe('<p>The butler did it</p>');
    // In a pipe the warning is said before the text.
    const plain = commentsPlain(d, 100).join('\n');
    expect(plain).toMatch(/CW: spoilers for the film\n\s*The butler did it/);
  });

  it('says how many replies the server did not send, with stubs that open them there', async () => {
    const d = await load(`${server.base}/@alice/100`);
    const all = preorder(d.comments);
    // 103 claims 2 replies and none came; the status claims 4 direct replies and 3 came (106 is an orphan).
    expect(all.find((c) => c.id === 'more:103')).toMatchObject({ more: 2, parentId: '103', permalink: `${server.base}/@alice/103` });
    expect(d.comments.at(-1)).toMatchObject({ more: 1, permalink: `${server.base}/@alice/100` });
    expect(d.notice).toBe('3 more replies are on the server');
    expect(d.total).toBe(all.filter((c) => c.more === undefined).length + 3);
  });

  it('keeps a reply whose parent never arrived, marked', async () => {
    const d = await load(`${server.base}/@alice/100`);
    expect(d.comments.find((c) => c.id === '106')).toMatchObject({ orphan: true, author: 'late' });
  });

  it('hostile text in every field reaches no output', async () => {
    const d = await load(`${server.base}/@alice/100`);
    const bad = preorder(d.comments).find((c) => c.id === '105')!;
    expect(bad.author).toBe('malred 2J evil hyper'); // an OSC string (the title 'pwned') goes whole
    expect(bad.permalink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/@mal/);
    for (const s of allStrings(d)) expect(s).not.toMatch(UNSAFE);
    const out = commentsPlain(d, 80).join('\n') + commentsJsonText(d);
    expect(out).not.toMatch(UNSAFE);
    expect(out).not.toContain('javascript:');
    expect(HOSTILE).toMatch(UNSAFE);
  });
});
