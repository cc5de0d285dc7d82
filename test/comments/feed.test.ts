import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommentFeed, splitReplyPrefix } from '../../source/core/comments/feed.js';
import { DiscussionError } from '../../source/core/comments/errors.js';
import { loadDiscussion } from '../../source/core/comments.js';
import { buildThread, flattenTree, preorder } from '../../source/core/comments/thread.js';
import type { Comment } from '../../source/core/comments/types.js';
import { fixture, settingsFor, startServer, type TestServer } from './server.js';

const byId = (tree: Comment[], id: string): Comment => {
  const found = preorder(tree).find((c) => c.id === id);
  if (!found) throw new Error(`no comment ${id}`);
  return found;
};

describe('WordPress RSS2 comment feed (synthetic, WP >= 5.4)', () => {
  const page = parseCommentFeed(fixture('synthetic-wordpress/post-comments.rss2.xml'), 'https://example.org/2024/01/hello-world/feed/');
  const tree = buildThread(page.comments, { order: 'chronological' });

  it('takes ids from #comment-N and parents from the "In reply to" anchor', () => {
    expect(page.comments.map((c) => [c.id, c.parentId])).toEqual([
      ['6', '2'], // the parent link has /comment-page-2/: only the anchor counts
      ['5', '1'],
      ['4', '3'],
      ['3', '2'],
      ['2', null],
    ]);
  });

  it('threads oldest first, with the orphan at top level in its chronological place', () => {
    expect(flattenTree(tree).map((r) => `${'  '.repeat(r.depth)}${r.comment.id}${r.comment.orphan ? ' orphan' : ''}`)).toEqual([
      '2',
      '  3',
      '    4',
      '  6',
      '5 orphan',
    ]);
  });

  it('strips the reply paragraph, keeps the rest, and cleans the metadata', () => {
    const bob = byId(tree, '3');
    expect(bob.html).not.toContain('In reply to');
    expect(bob.html).toContain('Agreed!');
    expect(bob.author).toBe('Bob');
    expect(bob.published).toBe('2024-01-16T10:05:00.000Z');
    expect(bob.permalink).toBe('https://example.org/2024/01/hello-world/#comment-3');
    expect(byId(tree, '2').html).toContain('Great post.');
    expect(page.title).toBe('Comments on: Hello world!');
    expect(page.link).toBe('https://example.org/2024/01/hello-world/');
  });

  it('falls back to the escaped description, decoded once, when content:encoded is missing', () => {
    const xml = fixture('synthetic-wordpress/post-comments.rss2.xml').replace(/<content:encoded>[\s\S]*?<\/content:encoded>/g, '');
    const fallback = parseCommentFeed(xml, 'https://example.org/feed/');
    expect(fallback.comments.map((c) => [c.id, c.parentId])).toEqual(page.comments.map((c) => [c.id, c.parentId]));
    const carol = fallback.comments.find((c) => c.id === '4')!;
    expect(carol.html).toBe('<p>Me too & you.</p>');
    const erin = fallback.comments.find((c) => c.id === '6')!;
    expect(erin.html).toBe('<p>Paged comments add /comment-page-N/ to the link.</p>');
  });

  it('matches the anchor, not the words (translated sites)', () => {
    expect(splitReplyPrefix('<p>En réponse à <a href="https://ex.org/p/#comment-12">Zoé</a>.</p>\n<p>Merci !</p>')).toEqual({
      parent: '12',
      rest: '\n<p>Merci !</p>',
    });
    expect(splitReplyPrefix('<p><a href="https://ex.org/p/#comment-7">太郎</a> への返信</p><p>はい</p>').parent).toBe('7');
    // A comment that merely links to another comment mid-text is not a reply marker.
    expect(
      splitReplyPrefix(
        '<p>I think <a href="https://ex.org/p/#comment-7">this one</a> is right, and here is a long explanation of why that goes on and on and on for quite a while longer than any reply prefix would.</p>',
      ).parent,
    ).toBeNull();
    expect(splitReplyPrefix('<p>Plain comment.</p>').parent).toBeNull();
  });
});

describe('Atom comment feeds (RFC 4685)', () => {
  it('WordPress Atom: ref = comment guid, or the post guid for top level', () => {
    const page = parseCommentFeed(fixture('synthetic-wordpress/post-comments.atom.xml'), 'https://example.org/2024/01/hello-world/feed/atom/');
    expect(page.comments.map((c) => [c.id, c.parentId, c.author])).toEqual([
      ['3', '2', 'Bob'],
      ['2', null, 'Alice'],
    ]);
    const tree = buildThread(page.comments, { order: 'chronological' });
    expect(tree.map((c) => c.id)).toEqual(['2']);
    // The "In reply to" paragraph names the same parent as thr:in-reply-to: stripped.
    expect(byId(tree, '3').html).not.toContain('In reply to');
    expect(page.link).toBe('https://example.org/2024/01/hello-world/#comments');
  });

  it('a ref to a comment beyond the window is an orphan; a ref to the post is top level', () => {
    const xml = fixture('synthetic-wordpress/post-comments.atom.xml').replace(
      'ref="https://example.org/?p=1#comment-2" href="https://example.org/2024/01/hello-world/#comment-2"',
      'ref="https://example.org/?p=1#comment-1" href="https://example.org/2024/01/hello-world/#comment-1"',
    );
    const tree = buildThread(parseCommentFeed(xml, 'https://example.org/feed/atom/').comments, { order: 'chronological' });
    expect(tree.map((c) => `${c.id}${c.orphan ? '~' : ''}`)).toEqual(['2', '3~']);
    // The body's "In reply to #comment-2" now disagrees with thr (comment-1): it is left in place.
    expect(byId(tree, '3').html).toContain('In reply to');
  });

  it('Blogger comment feed (corpus): author, body, top level by href, claimed total, rel=next', () => {
    const page = parseCommentFeed(fixture('salmon-test-comments.atom'), 'http://salmon-test.blogspot.com/feeds/3861663258538857954/comments/default');
    expect(page.comments).toHaveLength(1);
    const [c] = page.comments;
    expect(c).toMatchObject({
      id: 'tag:blogger.com,1999:blog-893591374313312737.post-4788628857625737701',
      parentId: null,
      author: 'John',
      published: '2009-12-09T00:59:02.544Z',
      permalink: 'http://salmon-test.blogspot.com/2009/10/test-post.html?showComment=1260320342544#c4788628857625737701',
    });
    expect(c!.html).toBe('<p>bloffo bliff by <a href="http://example.org/profile/te..." rel="nofollow">te...</a></p>');
    expect(page.claimedTotal).toBe(30);
    expect(page.next).toBe('http://www.blogger.com/feeds/893591374313312737/3861663258538857954/comments/default?start-index=26&max-results=25');
    expect(page.title).toBe('Comments on salmon-test: Test post');
  });

  it('a post id given by the article marks top level even without an href', () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
      <entry><id>urn:c:1</id><author><name>A</name></author><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>x &amp; <b>y</b></p></div></content><thr:in-reply-to ref="urn:post:9"/></entry>
      <entry><id>urn:c:2</id><author><name>B</name></author><summary>plain &lt;not a tag&gt;</summary><thr:in-reply-to ref="urn:c:1"/></entry>
    </feed>`;
    const page = parseCommentFeed(xml, 'https://ex.org/c.atom', { postId: 'urn:post:9' });
    expect(page.comments.map((c) => [c.id, c.parentId])).toEqual([
      ['urn:c:1', null],
      ['urn:c:2', 'urn:c:1'],
    ]);
    expect(page.comments[0]!.html).toBe('<div xmlns="http://www.w3.org/1999/xhtml"><p>x &amp; <b>y</b></p></div>');
    expect(page.comments[1]!.html).toBe('<p>plain &lt;not a tag&gt;</p>');
  });
});

describe('hostile comment feeds', () => {
  it('cleans escapes in authors and titles, expands no DTD entities, survives deep nesting', () => {
    const deep = '<div>'.repeat(20_000) + 'deep' + '</div>'.repeat(20_000);
    const xml = `<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Comments &#27;]0;pwned&#7;on[2J it</title>
<item><guid>https://ex.org/?p=1#comment-1</guid><dc:creator>Eve&#27;]52;c;Zm9v&#7;‮</dc:creator><link>javascript:alert(1)</link>
<content:encoded><![CDATA[<p>body ]8;;https://evil.examplex</p>&b;]]></content:encoded></item>
<item><guid>https://ex.org/?p=1#comment-2</guid><description>${deep}</description><nested>${'<x>'.repeat(20_000)}</nested></item>
</channel></rss>`;
    const page = parseCommentFeed(xml, 'https://ex.org/feed/');
    expect(page.title).toBe('Comments on it');
    const [eve, deepOne] = page.comments;
    expect(eve).toMatchObject({ id: '1', author: 'Eve', permalink: 'https://ex.org/?p=1#comment-1' }); // javascript: link refused, guid used
    expect(eve!.html).toBe('<p>body x</p>&b;');
    expect(deepOne!.html).toContain('deep');
  });
});

describe('comment feeds over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      '/blogger/page1.atom': { type: 'application/atom+xml; charset=UTF-8', body: fixture('blogger-page1.atom') },
      '/blogger/page2.atom': { type: 'application/atom+xml; charset=UTF-8', body: fixture('blogger-page2.atom') },
      '/wp/feed/': { type: 'application/rss+xml; charset=UTF-8', body: fixture('synthetic-wordpress/post-comments.rss2.xml') },
      '/latin1/feed/': {
        type: 'application/rss+xml; charset=ISO-8859-1',
        body: Buffer.from(
          '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Comments on: Caf\xe9</title><item><guid>https://ex.org/?p=1#comment-1</guid><description>D\xe9j\xe0 vu</description></item></channel></rss>',
          'latin1',
        ),
      },
      '/chain/': (url) => {
        const n = Number(new URL(url, 'http://x').searchParams.get('n') ?? '1');
        return {
          type: 'application/atom+xml',
          body: `<feed xmlns="http://www.w3.org/2005/Atom"><title>chain</title><link rel="next" href="{{BASE}}/chain/?n=${n + 1}"/><entry><id>urn:c:${n}</id><content>c${n}</content></entry></feed>`,
        };
      },
      '/not-a-feed/': { type: 'text/html', body: '<!doctype html><html><body>\n<h1>Comments</h1></body></html>' },
    });
  });
  afterAll(() => server.close());

  const load = (url: string) => loadDiscussion(url, { settings: settingsFor(server.base) });

  it('follows rel=next, threads across pages, and stops at a loop', async () => {
    server.requests.length = 0;
    const d = await load(`${server.base}/blogger/page1.atom`);
    expect(server.requests).toEqual(['/blogger/page1.atom', '/blogger/page2.atom?start-index=3&max-results=2']);
    expect(d.source).toBe('feed');
    expect(d.total).toBe(4);
    expect(d.title).toBe('Comments on paged-test: Paging post');
    expect(d.url).toBe('https://paged-test.blogspot.com/2024/01/paging-post.html');
    expect(flattenTree(d.comments).map((r) => `${r.depth}:${r.comment.author}`)).toEqual(['0:Ada', '1:Brian', '2:Chloé', '0:Dev']);
    expect(byId(d.comments, 'tag:blogger.com,1999:blog-42.post-104').html).toBe('<p>Plain text &amp; two lines<br>second line</p>');
  });

  it('stops after 10 pages of an endless rel=next chain', async () => {
    server.requests.length = 0;
    const d = await load(`${server.base}/chain/?n=1`);
    expect(server.requests).toHaveLength(10);
    expect(d.total).toBe(10);
  });

  it('loads a WordPress feed over HTTP and decodes a legacy charset', async () => {
    const wp = await load(`${server.base}/wp/feed/`);
    expect(wp.total).toBe(5);
    expect(wp.comments.map((c) => c.id)).toEqual(['2', '5']);
    const latin = await load(`${server.base}/latin1/feed/`);
    expect(latin.title).toBe('Comments on: Café');
    expect(latin.comments[0]!.html).toBe('<p>Déjà vu</p>');
  });

  it('an HTML page is a clean one-line DiscussionError', async () => {
    const error = await load(`${server.base}/not-a-feed/`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscussionError);
    expect((error as DiscussionError).kind).toBe('parse');
    expect((error as Error).message).toBe(`${server.base}/not-a-feed/: not an RSS or Atom comment feed: an HTML page`);
  });

  it('a 404 is a fetch DiscussionError naming the URL', async () => {
    const error = (await load(`${server.base}/missing/feed/`).catch((e: unknown) => e)) as DiscussionError;
    expect(error).toBeInstanceOf(DiscussionError);
    expect(error.kind).toBe('fetch');
    expect(error.message).toContain(`${server.base}/missing/feed/: `);
    expect(error.message).toContain('404');
    expect(error.message).not.toContain('\n');
  });
});
