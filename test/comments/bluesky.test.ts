/** Bluesky, from a loopback AppView: handle resolution, the nested thread, facets over UTF-8 bytes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facetsToHtml } from '../../source/core/comments/bluesky-facets.js';
import { commentsJsonText, commentsPlain, loadDiscussion } from '../../source/core/comments.js';
import { matchThreadUrl } from '../../source/core/comments/resolve.js';
import { flattenTree, preorder } from '../../source/core/comments/thread.js';
import { renderHtml } from '../../source/core/html.js';
import { DID, UNSAFE, allStrings, blueskyRoutes } from './platform-fixtures.js';
import { settingsFor, startServer, type TestServer } from './server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer(blueskyRoutes());
});
afterAll(() => server.close());

const settings = () => settingsFor(server.base);
const load = (url: string) => loadDiscussion(url, { settings: settings() });

describe('Bluesky post URLs', () => {
  it('bsky.app and the configured web host; handles and dids', () => {
    expect(matchThreadUrl('https://bsky.app/profile/alice.example/post/3kabc2def')).toMatchObject({ source: 'bluesky', id: 'alice.example/3kabc2def' });
    expect(matchThreadUrl(`https://bsky.app/profile/${DID}/post/root1`)).toMatchObject({ source: 'bluesky', id: `${DID}/root1` });
    const web = { sources: { bluesky: { web: 'http://127.0.0.1:9/web' } } };
    expect(matchThreadUrl('http://127.0.0.1:9/web/profile/alice.example/post/x1', web)).toMatchObject({
      source: 'bluesky',
      pageUrl: 'http://127.0.0.1:9/web/profile/alice.example/post/x1',
    });
    // Without the setting, a loopback URL is nobody's Bluesky post.
    expect(matchThreadUrl('http://127.0.0.1:9/web/profile/alice.example/post/x1')).toBeNull();
    expect(matchThreadUrl('https://bsky.app/profile/alice.example')).toBeNull();
    expect(matchThreadUrl('https://bsky.app/profile/bad_handle!/post/x')).toBeNull();
  });
});

describe('a Bluesky thread', () => {
  it('resolves the handle, then asks the thread of the AppView at sources.bluesky.api', async () => {
    server.requests.length = 0;
    const d = await load(`${server.base}/bsky-web/profile/alice.example/post/root1`);
    expect(server.requests.map((r) => r.split('?')[0])).toEqual(['/bsky/xrpc/com.atproto.identity.resolveHandle', '/bsky/xrpc/app.bsky.feed.getPostThread']);
    expect(server.requests[1]).toContain(`uri=${encodeURIComponent(`at://${DID}/app.bsky.feed.post/root1`)}`);
    expect(server.requests[1]).toMatch(/depth=1000&parentHeight=0/);
    expect(d).toMatchObject({
      source: 'bluesky',
      opAuthor: 'alice.example',
      title: '@alice.example: Root post about feeds',
      url: `${server.base}/bsky-web/profile/${DID}/post/root1`,
    });
  });

  it('a did in the URL needs no resolution', async () => {
    server.requests.length = 0;
    await load(`${server.base}/bsky-web/profile/${DID}/post/root1`);
    expect(server.requests.map((r) => r.split('?')[0])).toEqual(['/bsky/xrpc/app.bsky.feed.getPostThread']);
  });

  it('nests replies 40 deep; blocked and missing posts keep their places', async () => {
    const d = await load(`${server.base}/bsky-web/profile/alice.example/post/root1`);
    const rows = flattenTree(d.comments).map(
      (r) => `${r.depth}:${r.comment.placeholder ?? (r.comment.more !== undefined ? `more${r.comment.more}` : r.comment.author)}`,
    );
    expect(rows.slice(0, 6)).toEqual([
      '0:r1.bsky.social',
      '1:alice.example',
      '1:blocked post',
      '0:post not found',
      expect.stringMatching(/^0:h/),
      '0:deep1.bsky.social',
    ]);
    expect(Math.max(...flattenTree(d.comments).map((r) => r.depth))).toBe(39);
    const all = preorder(d.comments);
    expect(all.find((c) => c.author === 'alice.example')!.isOp).toBe(true);
    expect(all[0]).toMatchObject({ score: 7, permalink: `${server.base}/bsky-web/profile/did:plc:r1xxxxxxxxxxxxxxxxxxxxxx/post/r1` });
    // r1 claims 2 replies and both places arrived; the root claims 5 and 4 arrived.
    expect(all.filter((c) => c.more !== undefined).map((c) => [c.parentId, c.more])).toEqual([[null, 1]]);
    expect(d.notice).toContain('1 more reply is on Bluesky');
  });

  it('a labelled post is behind a content warning; hostile text reaches no output', async () => {
    const d = await load(`${server.base}/bsky-web/profile/alice.example/post/root1`);
    const labelled = preorder(d.comments).find((c) => c.warning)!;
    expect(labelled.warning).toBe('porn');
    for (const s of allStrings(d)) expect(s).not.toMatch(UNSAFE);
    expect(commentsPlain(d, 80).join('\n') + commentsJsonText(d)).not.toMatch(UNSAFE);
  });
});

describe('facets', () => {
  const web = 'https://bsky.app';

  it('links and mentions over UTF-8 byte offsets become numbered links; bad facets stay text', async () => {
    const d = await load(`${server.base}/bsky-web/profile/alice.example/post/root1`);
    const r1 = preorder(d.comments)[0]!;
    expect(r1.html).toContain('<a href="https://example.org/caf%C3%A9">https://example.org/café</a>');
    expect(r1.html).toContain(`<a href="${server.base}/bsky-web/profile/did:plc:bobbobbobbobbobbobbobbob">@bob.test</a>`);
    expect(r1.html).not.toContain('mid-character');
    expect(r1.html).not.toContain('out-of-range');
    expect(r1.html).not.toContain('javascript');
    const { lines, links } = renderHtml(r1.html, { width: 80, color: false });
    expect(links).toEqual(['https://example.org/caf%C3%A9', `${server.base}/bsky-web/profile/did:plc:bobbobbobbobbobbobbobbob`]);
    expect(lines[0]).toBe('Café ☕ 👩‍💻 read https://example.org/café[1] and ask @bob.test[2]');
  });

  it('overlapping, reversed and non-integer ranges are ignored; text is escaped and sanitized', () => {
    const text = 'a <b> \x1b[31mc\u202E d';
    const link = (byteStart: unknown, byteEnd: unknown) => ({
      index: { byteStart, byteEnd },
      features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://x.example/' }],
    });
    const html = facetsToHtml(text, [link(0, 1), link(0, 3), link(5, 2), link(1.5, 3), 'junk'], web);
    expect(html).toBe('<p><a href="https://x.example/">a</a> &lt;b&gt; c d</p>');
    expect(facetsToHtml('line one\nline two', undefined, web)).toBe('<p>line one<br>line two</p>');
  });
});
