/** Lemmy, from a loopback instance: threading by path, Markdown bodies, placeholders, held-back replies. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentsJsonText, commentsPlain, loadDiscussion } from '../../source/core/comments.js';
import { markdownToHtml } from '../../source/core/comments/markdown.js';
import { matchThreadUrl } from '../../source/core/comments/resolve.js';
import { flattenTree, preorder } from '../../source/core/comments/thread.js';
import { UNSAFE, allStrings, lemmyRoutes } from './platform-fixtures.js';
import { settingsFor, startServer, type TestServer } from './server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer(lemmyRoutes());
});
afterAll(() => server.close());

const load = () => loadDiscussion(`${server.base}/post/9`, { settings: settingsFor(server.base) });

describe('Lemmy post URLs', () => {
  it("/post/<id> on any host, but not a blog's /post/<id>#comments or /post/<id>/slug", () => {
    expect(matchThreadUrl('https://lemmy.world/post/123456')).toMatchObject({ source: 'lemmy', base: 'https://lemmy.world', id: '123456' });
    expect(matchThreadUrl('https://blog.example/post/12#comments')).toBeNull();
    expect(matchThreadUrl('https://x.tumblr.com/post/12345/a-title')).toBeNull();
  });
});

describe('a Lemmy post', () => {
  it("asks the post and its comment tree (max_depth 8) of the URL's own host", async () => {
    server.requests.length = 0;
    const d = await load();
    expect(server.requests.sort()).toEqual(['/api/v3/comment/list?post_id=9&max_depth=8&sort=Hot&type_=All&limit=300', '/api/v3/post?id=9']);
    expect(d).toMatchObject({ source: 'lemmy', title: 'Feeds are back', url: `${server.base}/post/9`, total: 12, opAuthor: 'op' });
  });

  it('threads by path; a reply whose parent is missing is kept, marked; deleted and removed are placeholders', async () => {
    const d = await load();
    const rows = flattenTree(d.comments).map(
      (r) =>
        `${r.depth}:${r.comment.placeholder ?? (r.comment.more !== undefined ? `more${r.comment.more}` : r.comment.author)}${r.comment.orphan ? ' (orphan)' : ''}`,
    );
    expect(rows).toEqual([
      '0:op',
      '1:c2',
      `2:c3@other.example`,
      '3:more2',
      '0:deleted by its author',
      '1:c5',
      '0:removed by a moderator',
      '0:c8 (orphan)',
      expect.stringMatching(/^0:n/),
      '0:more2',
    ]);
    const all = preorder(d.comments);
    expect(all.find((c) => c.id === '6')).toMatchObject({ html: '', deleted: true });
    expect(all.find((c) => c.id === '1')).toMatchObject({ isOp: true, score: 1, permalink: `${server.base}/comment/1`, published: '2025-04-01T08:00:00.000Z' });
    expect(d.notice).toBe('4 more comments are on the server');
  });

  it('Markdown becomes HTML with raw HTML escaped and only http(s) links', async () => {
    const d = await load();
    const first = preorder(d.comments)[0]!;
    expect(first.html).toContain('&lt;b&gt;raw html&lt;/b&gt;');
    expect(first.html).toContain('&lt;script&gt;');
    expect(first.html).toContain('<a href="https://example.org/x">a link</a>');
    expect(markdownToHtml('**bold** ~~gone~~ [x](javascript:alert(1))')).toBe('<p><strong>bold</strong> <s>gone</s> [x](javascript:alert(1))</p>\n');
    expect(markdownToHtml('> '.repeat(5000) + 'deep').length).toBeLessThan(2000);
  });

  it('hostile text reaches no output', async () => {
    const d = await load();
    for (const s of allStrings(d)) expect(s).not.toMatch(UNSAFE);
    expect(commentsPlain(d, 80).join('\n') + commentsJsonText(d)).not.toMatch(UNSAFE);
  });
});

describe('markdownToHtml', () => {
  it('links bare URLs; leaves Markdown links and autolinks to CommonMark', () => {
    expect(markdownToHtml('see https://example.org/a now')).toBe('<p>see <a href="https://example.org/a">https://example.org/a</a> now</p>\n');
    expect(markdownToHtml('[x](https://example.org/b) and <https://example.org/c>')).toBe(
      '<p><a href="https://example.org/b">x</a> and <a href="https://example.org/c">https://example.org/c</a></p>\n',
    );
  });
});
