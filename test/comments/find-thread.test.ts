/** The thread finder: which link in an article's HTML is its discussion, and which merely cites a post. */
import { describe, expect, it } from 'vitest';
import { findThreads } from '../../source/core/comments/find-thread.js';
import { resolveDiscussions } from '../../source/core/comments/resolve.js';

const BASE = 'https://blog.example/2025/feeds-are-back/';
const urls = (html: string, base = BASE, options = {}) => findThreads(html, base, options).map((f) => `${f.source} ${f.url}`);

describe('findThreads', () => {
  it('a "Comments" link to a Mastodon status', () => {
    const html = '<p>Thanks for reading.</p><p><a href="https://social.example/@me/111222333">Comments</a></p>';
    expect(findThreads(html, BASE)).toEqual([{ source: 'mastodon', url: 'https://social.example/@me/111222333', title: 'Comments' }]);
  });

  it('link text that says so: reply, discuss, toot, N comments', () => {
    expect(urls('<p>Long prose here. <a href="https://lemmy.world/post/42">Discuss on Lemmy</a></p>')).toEqual(['lemmy https://lemmy.world/post/42']);
    expect(urls('<a href="https://bsky.app/profile/me.example/post/3kxyz">Reply on Bluesky</a>')).toEqual([
      'bluesky https://bsky.app/profile/me.example/post/3kxyz',
    ]);
    expect(urls('<a href="https://forum.example/t/feeds/12">12 comments</a>')).toEqual(['discourse https://forum.example/t/feeds/12']);
    expect(urls('<a href="/@me/5">Toot at me</a>', 'https://social.example/x')).toEqual(['mastodon https://social.example/@me/5']);
  });

  it('inside an element whose id or class speaks of comments', () => {
    const html = '<section id="comments"><h2>Elsewhere</h2><ul><li><a href="https://social.example/@me/9">on the fediverse</a></li></ul></section>';
    expect(urls(html)).toEqual(['mastodon https://social.example/@me/9']);
    expect(urls('<div class="post-replies"><a href="https://lemmy.world/post/7">here</a></div>')).toEqual(['lemmy https://lemmy.world/post/7']);
  });

  it('words around it, in a short line', () => {
    expect(urls('<p>Want to comment? Find this post <a href="https://social.example/@me/77">on Mastodon</a>.</p>')).toEqual([
      'mastodon https://social.example/@me/77',
    ]);
    expect(urls('<footer>You can reply to <a href="https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3k">this post</a>.</footer>')).toHaveLength(
      1,
    );
  });

  it('a link that merely cites a post is not the discussion', () => {
    const prose =
      '<p>Last week <a href="https://social.example/@bob/123">Bob pointed out</a> that feeds never died, and ' +
      '<a href="https://bsky.app/profile/carol.example/post/3kaaa">Carol agreed</a>; the thread on ' +
      '<a href="https://lemmy.world/post/99">a Lemmy forum</a> and <a href="https://forum.example/t/x/5">this Discourse topic</a> ' +
      'went further, and I think they are right about most of it, though not about the part where they said readers were dead.</p>' +
      '<blockquote class="mastodon-embed"><p>Feeds are back!</p><a href="https://social.example/@dave/456">Reply</a></blockquote>' +
      '<p>As <a href="https://social.example/@erin/789">Erin wrote</a>, the web is fine.</p>';
    expect(urls(prose)).toEqual([]);
  });

  it('a Discourse embed, read from the inline script (never run)', () => {
    const html = `<div id="discourse-comments"></div><script type="text/javascript">
      DiscourseEmbed = { discourseUrl: 'https://forum.example/forum/', discourseEmbedUrl: 'https://blog.example/p', topicId: 321 };
      (function() { var d = document.createElement('script'); d.src = DiscourseEmbed.discourseUrl + 'javascripts/embed.js'; })();
    </script>`;
    expect(urls(html)).toEqual(['discourse https://forum.example/forum/t/topic/321']);
    // Without a topicId the embed looks the topic up by page (the /embed endpoints): not followed.
    expect(urls(`<script>DiscourseEmbed = { discourseUrl: 'https://forum.example/', discourseEmbedUrl: 'https://blog.example/p' };</script>`)).toEqual([]);
  });

  it("a WordPress page's own comment feed, not the site's feeds", () => {
    const head = `<head>
      <link rel="alternate" type="application/rss+xml" title="Blog &raquo; Feed" href="https://blog.example/feed/">
      <link rel="alternate" type="application/rss+xml" title="Blog &raquo; Comments Feed" href="https://blog.example/comments/feed/">
      <link rel="alternate" type="application/rss+xml" title="Blog &raquo; Feeds are back Comments Feed" href="https://blog.example/2025/feeds-are-back/feed/">
    </head>`;
    expect(urls(head)).toEqual(['feed https://blog.example/2025/feeds-are-back/feed/']);
    expect(urls('<link rel="alternate" type="application/rss+xml" href="/?feed=rss2&amp;p=42">')).toEqual(['feed https://blog.example/?feed=rss2&p=42']);
  });

  it('best first: the embed, the comments section, the link text, the words around; each thread once', () => {
    const html =
      '<p>Comment on <a href="https://lemmy.world/post/1">Lemmy</a></p>' +
      '<p><a href="https://social.example/@me/2">Comments</a> <a href="https://social.example/@me/2">again</a></p>' +
      '<div class="comments"><a href="https://bsky.app/profile/me.example/post/3">x</a></div>';
    expect(urls(html)).toEqual([
      'bluesky https://bsky.app/profile/me.example/post/3',
      'mastodon https://social.example/@me/2',
      'lemmy https://lemmy.world/post/1',
    ]);
  });

  it('uses the configured Bluesky web host; ignores unsafe and unparsable links; hostile nesting is fine', () => {
    const web = { sources: { bluesky: { web: 'http://127.0.0.1:9' } } };
    expect(urls('<a href="http://127.0.0.1:9/profile/me.example/post/3k">Comments</a>', BASE, web)).toEqual([
      'bluesky http://127.0.0.1:9/profile/me.example/post/3k',
    ]);
    expect(urls('<a href="javascript:alert(1)//@me/5">Comments</a><a href="http://[bad">Comments</a>')).toEqual([]);
    const deep = '<div>'.repeat(20000) + '<a href="https://social.example/@me/8">Comments</a>' + '</div>'.repeat(20000);
    expect(urls(deep)).toEqual(['mastodon https://social.example/@me/8']);
    expect(findThreads('', BASE)).toEqual([]);
  });
});

describe('resolving an article', () => {
  const hn = 'https://news.ycombinator.com/item?id=41000001';
  const content = '<p>Post.</p><p><a href="https://social.example/@me/111">Comments</a></p>';

  it('the content names its thread: after <comments> and the comment feed, before the link', () => {
    expect(resolveDiscussions({ link: 'https://blog.example/p', html: content }).map((r) => r.key)).toEqual(['mastodon:https://social.example/111']);
    expect(resolveDiscussions({ link: 'https://blog.example/p', commentsUrl: hn, html: content }).map((r) => r.key)).toEqual([
      'hackernews:41000001',
      'mastodon:https://social.example/111',
    ]);
    const blog = resolveDiscussions({ link: 'https://blog.example/post/12', commentFeedUrl: 'https://blog.example/post/12/feed/', html: content });
    expect(blog.map((r) => r.key)).toEqual(['feed:https://blog.example/post/12/feed/', 'mastodon:https://social.example/111', 'lemmy:https://blog.example/12']);
    expect(blog[1]).toMatchObject({ source: 'mastodon', base: 'https://social.example', id: '111', pageUrl: 'https://social.example/@me/111' });
  });

  it("a platform feed's items: the link or <comments> is the thread", () => {
    expect(resolveDiscussions({ link: 'https://social.example/@me/222' }).map((r) => r.key)).toEqual(['mastodon:https://social.example/222']);
    expect(resolveDiscussions({ link: 'https://example.org/article', commentsUrl: 'https://lemmy.world/post/5' }).map((r) => r.key)).toEqual([
      'lemmy:https://lemmy.world/5',
    ]);
    expect(resolveDiscussions({ link: 'https://forum.example/t/feeds/12' }).map((r) => r.key)).toEqual(['discourse:https://forum.example/12']);
    expect(resolveDiscussions({ link: 'https://bsky.app/profile/me.example/post/3k' }).map((r) => r.key)).toEqual(['bluesky:me.example/3k']);
  });

  it('a bare thread URL of each kind (broadsheet comments URL)', () => {
    for (const [url, key] of [
      ['https://social.example/users/me/statuses/9', 'mastodon:https://social.example/9'],
      ['https://bsky.app/profile/me.example/post/3k', 'bluesky:me.example/3k'],
      ['https://example.org/forum/t/x/4', 'discourse:https://example.org/forum/4'],
      ['https://lemmy.world/post/5', 'lemmy:https://lemmy.world/5'],
    ]) {
      expect(resolveDiscussions(url!).map((r) => r.key)).toEqual([key]);
    }
  });
});
