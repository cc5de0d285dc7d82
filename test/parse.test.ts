import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { FeedParseError, parseFeed, parseFeedSync } from '../source/core/parse.js';
import type { Article } from '../source/core/types.js';

const corpus = (name: string) => readFileSync(fileURLToPath(new URL(`fixtures/corpus/${name}`, import.meta.url)), 'utf8');

const rss = (items: string, channelExtra = '') =>
  `<?xml version="1.0"?><rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/"` +
  ` xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Test</title><link>https://example.org/</link>` +
  `${channelExtra}${items}</channel></rss>`;
const atom = (body: string, attrs = '') =>
  `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0"${attrs}>` +
  `<title>Atom test</title>${body}</feed>`;

const only = (articles: Article[]): Article => {
  expect(articles).toHaveLength(1);
  return articles[0]!;
};

/** The error a parse fails with (asserting it is a FeedParseError with a one-line message). */
function failure(xml: string): FeedParseError {
  try {
    parseFeedSync(xml, 'https://example.org/feed');
  } catch (error) {
    expect(error).toBeInstanceOf(FeedParseError);
    const e = error as FeedParseError;
    expect(e.message).not.toMatch(/\n/);
    expect(e.message.length).toBeLessThanOrEqual(120);
    return e;
  }
  throw new Error('expected the parse to fail');
}

describe('WordPress posts feeds', () => {
  it('natasha.xml: comments page, comment feed, count, author, body from content:encoded', async () => {
    const feed = await parseFeed(corpus('wordpress/natasha.xml'), 'https://www.natashatherobot.com/feed/');
    expect(feed.title).toBe('Natasha The Robot');
    expect(feed.link).toBe('https://www.natashatherobot.com/');
    expect(feed.articles).toHaveLength(10);
    const first = feed.articles[0]!;
    expect(first).toMatchObject({
      id: 'https://www.natashatherobot.com/?p=6602',
      title: 'The Easiest Way to Get a URL for your Apple Wallet Passkit Pass',
      link: 'https://www.natashatherobot.com/url-apple-wallet-passkit-pass/',
      author: 'Natasha Murashev',
      published: '2017-07-07T11:06:10.000Z',
      commentsUrl: 'https://www.natashatherobot.com/url-apple-wallet-passkit-pass/#comments',
      commentFeedUrl: 'https://www.natashatherobot.com/url-apple-wallet-passkit-pass/feed/',
      commentCount: 6,
    });
    // content:encoded (full HTML), not the description excerpt.
    expect(first.html).toMatch(/^<p>For <a href="https:\/\/www\.tryswift\.co/);
    expect(feed.articles[1]!.commentCount).toBe(3);
  });

  it('wirecutter: slash:comments 0, CDATA author with whitespace, guid isPermaLink=false as id', async () => {
    const feed = await parseFeed(corpus('wordpress/feed-rs_rss_2.0_wirecutter.xml'), 'https://www.nytimes.com/wirecutter/feed/');
    const a = only(feed.articles);
    expect(a.id).toBe('https://www.nytimes.com/wirecutter/?p=270973');
    expect(a.author).toBe('James Austin');
    expect(a.commentCount).toBe(0);
    expect(a.commentsUrl).toBe('https://www.nytimes.com/wirecutter/blog/how-to-teach-someone-a-board-game/#comments');
    expect(a.commentFeedUrl).toBe('');
    expect(a.link).toBe('https://www.nytimes.com/wirecutter/blog/how-to-teach-someone-a-board-game/?utm_source=rss&utm_medium=feed&utm_campaign=RSS%20Feed');
  });

  it('empty or junk slash:comments is null, padded numbers are read', () => {
    const feed = parseFeedSync(
      rss(
        '<item><guid>a</guid><slash:comments/></item>' +
          '<item><guid>b</guid><slash:comments></slash:comments></item>' +
          '<item><guid>c</guid><slash:comments> 7 </slash:comments></item>' +
          '<item><guid>d</guid><slash:comments>many</slash:comments></item>' +
          '<item><guid>e</guid><slash:comments>-1</slash:comments></item>' +
          '<item><guid>f</guid></item>',
      ),
      'https://example.org/feed',
    );
    expect(feed.articles.map((a) => a.commentCount)).toEqual([null, null, 7, null, null, null]);
  });

  it('a relative <comments> URL resolves; a javascript: one is dropped', () => {
    const feed = parseFeedSync(
      rss(
        '<item><guid>a</guid><link>/post/1</link><comments>/post/1#comments</comments></item>' +
          '<item><guid>b</guid><link>javascript:alert(1)</link><comments>javascript:alert(1)</comments></item>',
      ),
      'https://example.org/feed/',
    );
    expect(feed.articles[0]).toMatchObject({ link: 'https://example.org/post/1', commentsUrl: 'https://example.org/post/1#comments' });
    expect(feed.articles[1]).toMatchObject({ link: '', commentsUrl: '' });
  });
});

describe('Atom threading (RFC 4685)', () => {
  it('Blogger: rel=replies atom+xml is the comment feed, text/html the page, thr:total the count', () => {
    const feed = parseFeedSync(corpus('blogger/4fsodonline-posts.atom'), 'http://4fsodonline.blogspot.com/feeds/posts/default');
    expect(feed.title).toBe('4 Fighting Serpents of Death');
    expect(feed.link).toBe('http://4fsodonline.blogspot.com/');
    expect(feed.articles).toHaveLength(25);
    const first = feed.articles[0]!;
    expect(first).toMatchObject({
      id: 'tag:blogger.com,1999:blog-3905741845175603023.post-425541125763448592',
      title: '4FSOD Documentary: Bloopers and Stuff',
      link: 'http://4fsodonline.blogspot.com/2007/12/4fsod-documentary-bloopers-and-stuff.html',
      author: 'Anthony',
      published: '2007-12-15T07:15:00.000Z',
      commentFeedUrl: 'http://4fsodonline.blogspot.com/feeds/425541125763448592/comments/default',
      commentsUrl: 'http://www.blogger.com/comment.g?blogID=3905741845175603023&postID=425541125763448592',
      commentCount: 0,
    });
    expect(feed.articles[3]!.commentCount).toBe(1);
    // Atom content type="html": the escaped HTML, unescaped once by XML.
    expect(first.html).toContain("don't always get it right");
    expect(first.html).toContain('<br />');
  });

  it('intertwingly.atom: relative hrefs resolve against the feed URL; thr:count on the replies link', () => {
    const feed = parseFeedSync(corpus('atom-threading/intertwingly.atom'), 'http://intertwingly.net/blog/index.atom');
    expect(feed.link).toBe('http://intertwingly.net/blog/');
    expect(feed.articles).toHaveLength(20);
    expect(feed.articles[0]).toMatchObject({
      id: 'tag:intertwingly.net,2004:3299',
      title: 'Inhibiting Suspend',
      link: 'http://intertwingly.net/blog/2012/07/16/Inhibiting-Suspend',
      author: 'Sam Ruby',
      commentFeedUrl: 'http://intertwingly.net/blog/3299.atom',
      commentsUrl: '',
      commentCount: 1,
    });
    expect(feed.articles[1]!.commentCount).toBe(5);
    for (const a of feed.articles) {
      expect(a.link).toMatch(/^http:\/\/intertwingly\.net\/blog\//);
      expect(a.commentFeedUrl).toMatch(/^http:\/\/intertwingly\.net\/blog\/\d+\.atom$/);
    }
  });

  it('xml:base on feed, entry and link elements is applied in order', () => {
    const feed = parseFeedSync(
      atom(
        '<link href="home/"/>' +
          '<entry xml:base="2024/"><id>e1</id><title>One</title><link href="post.html"/>' +
          '<link rel="replies" type="text/html" href="post.html#comments" thr:count="3"/>' +
          '<link rel="replies" type="application/atom+xml" xml:base="/comments/" href="e1.atom"/></entry>' +
          '<entry><id>e2</id><title>Two</title><link rel="alternate" type="text/html" href="two.html"/>' +
          '<link rel="http://www.iana.org/assignments/relation/replies" type="application/rss+xml" href="https://other.example/c.rss"/></entry>',
        ' xml:base="https://base.example/blog/"',
      ),
      'https://feeds.example/atom.xml',
    );
    expect(feed.link).toBe('https://base.example/blog/home/');
    expect(feed.articles[0]).toMatchObject({
      link: 'https://base.example/blog/2024/post.html',
      commentsUrl: 'https://base.example/blog/2024/post.html#comments',
      commentFeedUrl: 'https://base.example/comments/e1.atom',
      commentCount: 3,
    });
    expect(feed.articles[1]).toMatchObject({
      link: 'https://base.example/blog/two.html',
      commentFeedUrl: 'https://other.example/c.rss',
      commentCount: null,
    });
  });

  it('RSS items with atom:link rel=replies and thr:total', () => {
    const feed = parseFeedSync(
      rss(
        '<item><guid>a</guid><link>https://example.org/a</link>' +
          '<atom:link rel="replies" type="text/html" href="/a#comments"/><thr:total>4</thr:total></item>',
      ).replace('<rss ', '<rss xmlns:atom="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0" '),
      'https://example.org/feed',
    );
    expect(only(feed.articles)).toMatchObject({ commentsUrl: 'https://example.org/a#comments', commentCount: 4 });
  });
});

describe('dates', () => {
  it('a bad RSS date is null, and the feed still parses', () => {
    const feed = parseFeedSync(
      rss('<item><guid>a</guid><pubDate>not a date</pubDate></item><item><guid>b</guid><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate></item>'),
      'https://example.org/feed',
    );
    expect(feed.articles.map((a) => a.published)).toEqual([null, '2003-06-10T04:00:00.000Z']);
  });

  it('a bad Atom date is null instead of rejecting the feed (rss-parser alone rejects it)', async () => {
    const xml = atom(
      '<entry><id>1</id><title>Bad</title><published>yesterday</published></entry>' +
        '<entry><id>2</id><title>Falls back</title><published>soon</published><updated>2012-07-16T08:48:01-07:00</updated></entry>' +
        '<entry><id>3</id><title>Empty</title><updated> </updated></entry>',
    );
    await expect(new Parser().parseString(xml)).rejects.toThrow(/Invalid time value/);
    const feed = parseFeedSync(xml, 'https://example.org/feed');
    expect(feed.articles.map((a) => a.published)).toEqual([null, '2012-07-16T15:48:01.000Z', null]);
  });

  it('dates without a zone are read as UTC, not local time; absurd years are null', () => {
    const feed = parseFeedSync(
      rss(
        '<item><guid>a</guid><pubDate>2003-06-10T04:00:00</pubDate></item>' +
          '<item><guid>b</guid><pubDate>Tue, 10 Jun 2003 04:00:00</pubDate></item>' +
          '<item><guid>c</guid><pubDate>Tue, 10 Jun 2003 06:00:00 +0200</pubDate></item>' +
          '<item><guid>d</guid><dc:date>2003-06-10</dc:date></item>' +
          '<item><guid>e</guid><pubDate>99999-01-01</pubDate></item>',
      ),
      'https://example.org/feed',
    );
    expect(feed.articles.map((a) => a.published)).toEqual([
      '2003-06-10T04:00:00.000Z',
      '2003-06-10T04:00:00.000Z',
      '2003-06-10T04:00:00.000Z',
      '2003-06-10T00:00:00.000Z',
      null,
    ]);
  });
});

describe('ids', () => {
  it('missing guid: the link, else a stable sha1 of title+published+body', () => {
    const xml = rss(
      '<item><title>Linked</title><link>https://example.org/p/1</link></item>' +
        '<item><title>Unlinked</title><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate><description>Body</description></item>' +
        '<item><title>Other</title><description>Body</description></item>',
    );
    const a = parseFeedSync(xml, 'https://example.org/feed');
    const b = parseFeedSync(xml, 'https://example.org/feed');
    expect(a.articles.map((x) => x.id)).toEqual(b.articles.map((x) => x.id));
    expect(a.articles[0]!.id).toBe('https://example.org/p/1');
    expect(a.articles[1]!.id).toMatch(/^[0-9a-f]{40}$/);
    expect(a.articles[2]!.id).toMatch(/^[0-9a-f]{40}$/);
    expect(a.articles[1]!.id).not.toBe(a.articles[2]!.id);
  });

  it('guid objects and padded guids are read; a permalink guid doubles as the link', () => {
    const feed = parseFeedSync(
      rss(
        '<item><title>x</title><guid isPermaLink="true">  https://example.org/p/9  </guid></item>' +
          '<item><title>y</title><guid isPermaLink="false">https://example.org/p/10</guid></item>',
      ),
      'https://example.org/feed',
    );
    expect(feed.articles[0]).toMatchObject({ id: 'https://example.org/p/9', link: 'https://example.org/p/9' });
    expect(feed.articles[1]).toMatchObject({ id: 'https://example.org/p/10', link: '' });
  });

  it('duplicate ids within a feed: the first wins, later ones are dropped', () => {
    const feed = parseFeedSync(
      rss('<item><guid>g</guid><title>first</title></item><item><guid>g</guid><title>second</title></item><item><guid>h</guid><title>third</title></item>'),
      'https://example.org/feed',
    );
    expect(feed.articles.map((a) => a.title)).toEqual(['first', 'third']);
  });
});

describe('titles', () => {
  it('double-escaped titles are decoded once; markup is stripped; Vec<T> survives', () => {
    const feed = parseFeedSync(
      rss(
        '<item><guid>1</guid><title>Tom &amp;amp; Jerry</title></item>' +
          '<item><guid>2</guid><title>&lt;b&gt;Bold&lt;/b&gt; news</title></item>' +
          '<item><guid>3</guid><title>Vec&lt;T&gt; in Rust</title></item>' +
          '<item><guid>4</guid><title><![CDATA[AT&amp;T <i>rocks</i>]]></title></item>' +
          '<item><guid>5</guid><title>  Padded\n\t  title  </title></item>' +
          '<item><guid>6</guid><title>a &lt; b &amp;&amp; c &gt; d</title></item>',
      ),
      'https://example.org/feed',
    );
    expect(feed.articles.map((a) => a.title)).toEqual(['Tom & Jerry', 'Bold news', 'Vec<T> in Rust', 'AT&T rocks', 'Padded title', 'a < b && c > d']);
  });

  it('object titles (xhtml, attributes) become text', () => {
    const feed = parseFeedSync(
      atom(
        '<entry><id>1</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Hello <b>world</b></div></title></entry>' +
          '<entry><id>2</id><title type="html">A &amp;amp; B &lt;em&gt;now&lt;/em&gt;</title></entry>',
      ),
      'https://example.org/feed',
    );
    expect(feed.articles.map((a) => a.title)).toEqual(['Hello world', 'A & B now']);
  });

  it('an empty title falls back to the body text, else "(untitled)"', () => {
    const feed = parseFeedSync(
      rss(
        '<item><guid>1</guid><description>&lt;p&gt;Only a body here, long enough that it has to be cut somewhere near eighty characters.&lt;/p&gt;</description></item>' +
          '<item><guid>2</guid><title>  </title></item>',
      ),
      'https://example.org/feed',
    );
    expect(feed.articles[0]!.title).toBe('Only a body here, long enough that it has to be cut somewhere near eighty…');
    expect(feed.articles[1]!.title).toBe('(untitled)');
  });

  it('feed title falls back to the host name', () => {
    expect(parseFeedSync(atom('').replace('<title>Atom test</title>', ''), 'https://blog.example.net/atom').title).toBe('blog.example.net');
  });
});

describe('hostile text', () => {
  const FORBIDDEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

  it('escape sequences in title, author and body are gone: raw, numeric references and CDATA', () => {
    const feed = parseFeedSync(
      rss(
        '<item><guid>1</guid><title>raw \x1b]0;pwned\x07title</title><dc:creator>evil\x1b[2J\u202e</dc:creator>' +
          '<description>body \x1b]52;c;ZmVlZGZhcm0=\x07 \u009b2J text</description></item>' +
          '<item><guid>2</guid><title>numeric &#27;]0;pwned&#7;title</title></item>' +
          '<item><guid>3</guid><title><![CDATA[cdata &#27;]0;pwned&#7;title]]></title>' +
          '<description><![CDATA[<p>\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\</p>]]></description></item>',
      ),
      'https://example.org/feed',
    );
    expect(feed.articles.map((a) => a.title)).toEqual(['raw title', 'numeric title', 'cdata title']);
    expect(feed.articles[0]!.author).toBe('evil');
    expect(feed.articles[0]!.html).toBe('body  2J text');
    expect(feed.articles[2]!.html).toBe('<p>link</p>');
    for (const a of feed.articles) {
      for (const value of Object.values(a)) {
        if (typeof value === 'string') expect(value).not.toMatch(FORBIDDEN);
      }
    }
  });

  it('Atom type="text" content is escaped, so it cannot smuggle markup', () => {
    const feed = parseFeedSync(
      atom('<entry><id>1</id><title>t</title><content type="text">a &lt;script&gt; &amp; b\nline</content></entry>'),
      'https://example.org/feed',
    );
    expect(only(feed.articles).html).toBe('a &lt;script&gt; &amp; b<br>\nline');
  });
});

describe('rss-parser guards', () => {
  it('an Atom <link> without attributes does not reject the feed (rss-parser alone throws)', async () => {
    const xml = atom('<link/><entry><id>1</id><title>x</title><link>https://example.org/post</link></entry><entry><id>2</id><title>y</title><link/></entry>');
    await expect(new Parser().parseString(xml)).rejects.toThrow(TypeError);
    const feed = parseFeedSync(xml, 'https://example.org/feed');
    expect(feed.articles.map((a) => a.link)).toEqual(['https://example.org/post', '']);
  });

  it('an empty <entry/> or <feed/> does not throw', () => {
    expect(parseFeedSync(atom('<entry/><entry><id>2</id><title>y</title></entry>'), 'https://example.org/f').articles.map((a) => a.title)).toEqual([
      '(untitled)',
      'y',
    ]);
    expect(parseFeedSync('<feed xmlns="http://www.w3.org/2005/Atom"/>', 'https://example.org/f').articles).toEqual([]);
  });

  it('RSS without a version attribute is read as RSS 2.0', () => {
    const feed = parseFeedSync('<rss><channel><title>No version</title><item><title>a</title><guid>g1</guid></item></channel></rss>', 'https://example.org/f');
    expect(feed.title).toBe('No version');
    expect(only(feed.articles).title).toBe('a');
  });

  it('RSS 1.0 (RDF) without a channel still yields its items', () => {
    const feed = parseFeedSync(
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item rdf:about="https://example.org/1"><title>one</title><link>https://example.org/1</link></item></rdf:RDF>',
      'https://example.org/f',
    );
    expect(only(feed.articles)).toMatchObject({ id: 'https://example.org/1', title: 'one' });
  });

  it('"email (Name)" authors become the name', () => {
    const feed = parseFeedSync(rss('<item><guid>1</guid><author>jane@example.org (Jane Doe)</author></item>'), 'https://example.org/f');
    expect(only(feed.articles).author).toBe('Jane Doe');
  });

  it('parseFeed and parseFeedSync agree', async () => {
    const xml = corpus('wordpress/manton.rss');
    expect(await parseFeed(xml, 'http://www.manton.org/feed')).toEqual(parseFeedSync(xml, 'http://www.manton.org/feed'));
  });

  it('a broken document does not leave the shared xml2js parser in a bad state', () => {
    const broken = '<rss version="2.0"><channel><title>a</title><item><title>x & y</title></item><item></channel><bad attr></rss>';
    const good = rss('<item><guid>1</guid><title>fine</title></item>');
    for (let i = 0; i < 3; i++) {
      expect(failure(broken).message).toMatch(/^XML error: /);
      expect(only(parseFeedSync(good, 'https://example.org/f').articles).title).toBe('fine');
    }
  });
});

describe('repairs', () => {
  it('bare ampersands and HTML entities in XML are repaired', () => {
    const feed = parseFeedSync(corpus('malformed/saxerror-unescaped-amp.xml'), 'http://example.com/feed');
    expect(feed.articles.length).toBeGreaterThan(0);
    const named = parseFeedSync(rss('<item><guid>1</guid><title>Fish &amp; chips &nbsp;&copy; R&D &unknown;</title></item>'), 'https://example.org/f');
    expect(only(named.articles).title).toBe('Fish & chips © R&D &unknown;');
  });

  it('junk before the XML declaration is skipped', () => {
    const feed = parseFeedSync(`Warning: something in /var/www on line 3\n${rss('<item><guid>1</guid><title>ok</title></item>')}`, 'https://example.org/f');
    expect(only(feed.articles).title).toBe('ok');
  });
});

describe('errors are one clean line', () => {
  it('empty documents', () => {
    expect(failure('').message).toBe('empty document');
    expect(failure('  \n\t ').message).toBe('empty document');
    expect(failure('\ufeff').message).toBe('empty document');
  });

  it('HTML pages', () => {
    expect(failure('<!DOCTYPE html><html><head><title>x</title></head></html>').message).toBe('not a feed: got an HTML page');
    expect(failure('\n  <html lang="en"><body>hi</body></html>').message).toBe('not a feed: got an HTML page');
    expect(failure('<?xml version="1.0"?>\n<!-- c --><html xmlns="http://www.w3.org/1999/xhtml"></html>').message).toBe('not a feed: got an HTML page');
  });

  it('JSON', () => {
    expect(failure('{"items": []}').message).toBe('not a feed: got JSON');
  });

  it('plain text and binary files: "not a feed", never an XML parser message', () => {
    expect(failure('root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n').message).toBe('not a feed: got plain text, not XML');
    expect(failure('\ufffdPNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00 <x').message).toBe('not a feed: got binary data, not XML');
    expect(failure('# Title\n\nSome *markdown* with <b>a tag</b>').message).toBe('not a feed: got plain text, not XML');
  });

  it('junk before the feed is still repaired, not called plain text', () => {
    const feed = parseFeedSync(
      'Warning: something in x.php on line 3\n<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>',
      'https://example.org/feed',
    );
    expect(feed.title).toBe('t');
  });

  it('well-formed XML that is not a feed', () => {
    expect(failure('<note><to>Tove</to></note>').message).toBe('not a feed: XML with root element <note>, not RSS or Atom');
    expect(failure('<rss version="2.0"></rss>').message).toBe('not a feed: RSS document without a <channel>');
  });

  it('malformed XML names the problem and the 1-based line', () => {
    expect(failure('<?xml version="1.0"?>\n<rss version="2.0">\n<channel>\n<title>t</title>').message).toBe('XML error: Unclosed root tag, line 4');
    expect(failure('<rss version="2.0"><channel><title>a</b></channel></rss>').message).toMatch(/^XML error: Unexpected close tag, line 1$/);
  });

  it('parseFeed rejects with the same FeedParseError', async () => {
    await expect(parseFeed('', 'https://example.org/f')).rejects.toThrow(FeedParseError);
    await expect(parseFeed('<html></html>', 'https://example.org/f')).rejects.toThrow('not a feed: got an HTML page');
  });
});

describe('comment feeds of local feeds', () => {
  const rssWith = (href: string) =>
    `<?xml version="1.0"?><rss version="2.0" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title><atom:link rel="self" href="https://example.org/feed/"/><item><title>a</title><guid>a</guid><wfw:commentRss>${href}</wfw:commentRss></item></channel></rss>`;
  it('resolves a relative comment feed next to a local feed file', async () => {
    const feed = await parseFeed(rssWith('comments/a.rss'), 'file:///srv/feeds/blog.rss');
    expect(feed.articles[0]!.commentFeedUrl).toBe('file:///srv/feeds/comments/a.rss');
  });
  it('never lets a feed point at files outside its folder, or a remote feed at any file', async () => {
    expect((await parseFeed(rssWith('../../etc/passwd'), 'file:///srv/feeds/blog.rss')).articles[0]!.commentFeedUrl).toBe('https://example.org/etc/passwd');
    expect((await parseFeed(rssWith('file:///etc/passwd'), 'file:///srv/feeds/blog.rss')).articles[0]!.commentFeedUrl).toBe('');
    expect((await parseFeed(rssWith('comments/a.rss'), 'https://example.org/feed/')).articles[0]!.commentFeedUrl).toBe(
      'https://example.org/feed/comments/a.rss',
    );
    expect((await parseFeed(rssWith('file:///etc/passwd'), 'https://example.org/feed/')).articles[0]!.commentFeedUrl).toBe('');
  });
});

describe('feedburner:origLink', () => {
  it("keeps the article's own URL when the link is FeedBurner's redirect (RSS and Atom)", () => {
    const fb = 'xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"';
    const r = parseFeedSync(
      rss(
        '<item><title>A</title><link>https://feedproxy.google.com/~r/x/~3/abc/</link><feedburner:origLink>https://blog.example.org/a/</feedburner:origLink></item>',
      ).replace('<rss ', `<rss ${fb} `),
      'https://example.org/feed',
    );
    expect(only(r.articles).origLink).toBe('https://blog.example.org/a/');
    const a = parseFeedSync(
      atom(
        '<entry><id>x</id><title>A</title><link href="https://feedproxy.google.com/~r/x/~3/def/"/><feedburner:origLink>https://blog.example.org/b/</feedburner:origLink></entry>',
        ` ${fb}`,
      ),
      'https://example.org/feed',
    );
    expect(only(a.articles).origLink).toBe('https://blog.example.org/b/');
  });

  it('is absent without one, when it equals the link, and when it is not http(s)', () => {
    expect(
      'origLink' in only(parseFeedSync(rss('<item><title>A</title><link>https://blog.example.org/a/</link></item>'), 'https://example.org/feed').articles),
    ).toBe(false);
    const same = rss(
      '<item><title>A</title><link>https://blog.example.org/a/</link><feedburner:origLink>https://blog.example.org/a/</feedburner:origLink></item>',
    );
    expect('origLink' in only(parseFeedSync(same, 'https://example.org/feed').articles)).toBe(false);
    const bad = rss('<item><title>A</title><link>https://blog.example.org/a/</link><feedburner:origLink>javascript:alert(1)</feedburner:origLink></item>');
    expect('origLink' in only(parseFeedSync(bad, 'https://example.org/feed').articles)).toBe(false);
  });
});

describe('feeds as they are in the wild', () => {
  const URL = 'https://example.org/feed';
  const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

  it('a title with unescaped inline markup keeps all of its text, in RSS and Atom', () => {
    const fromRss = parseFeedSync(rss('<item><guid>a</guid><title>Example <b>RSS</b></title></item>'), URL);
    expect(only(fromRss.articles).title).toBe('Example RSS');
    const fromAtom = parseFeedSync(atom('<entry><id>a</id><title>Using <code>Vec</code> well</title></entry>'), URL);
    // The tree keeps no order between text and child elements: all the words, the element's last.
    expect(only(fromAtom.articles).title).toBe('Using well Vec');
  });

  it('an HTML doctype decides nothing when a feed root follows it; before HTML it is an HTML page', () => {
    const doctype = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n';
    expect(parseFeedSync(doctype + atom('<entry><id>a</id><title>Kept</title></entry>'), URL).articles[0]!.title).toBe('Kept');
    expect(failure(`${doctype}<head><title>x</title></head>`).message).toBe('not a feed: got an HTML page');
    expect(failure('<!DOCTYPE html>\n<meta charset="utf-8"><p>hi').message).toBe('not a feed: got an HTML page');
  });

  it('base64 content that is not text shows nothing, never the base64; text types are never decoded', () => {
    const png = b64(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    const feed = parseFeedSync(
      atom(
        `<entry><id>a</id><title type="image/png">${png}</title><content type="image/png">${png}</content></entry>` +
          `<entry><id>b</id><title type="text">${b64('plain')}</title><content type="application/octet-stream">not base64!</content></entry>` +
          `<entry><id>c</id><title>t</title><content type="text/plain" mode="base64">${b64('a < b\nc')}</content></entry>`,
      ),
      URL,
    );
    expect(feed.articles.map((a) => [a.title, a.html])).toEqual([
      ['(untitled)', ''],
      [b64('plain'), ''],
      ['t', 'a &lt; b<br>\nc'],
    ]);
  });

  it('repeated dates: the last one that is a date wins', () => {
    const feed = parseFeedSync(
      atom(
        '<entry><id>a</id><updated>2010-12-01T10:14:55Z</updated><updated>2003-12-31T10:14:55Z</updated><updated>never</updated></entry>' +
          '<entry><id>b</id><published>soon</published><published>2004-01-01T00:00:00Z</published></entry>',
      ),
      URL,
    );
    expect(feed.articles.map((a) => a.published)).toEqual(['2003-12-31T10:14:55.000Z', '2004-01-01T00:00:00.000Z']);
    const items = parseFeedSync(
      rss('<item><guid>a</guid><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate><pubDate>Wed, 11 Jun 2003 04:00:00 GMT</pubDate></item>'),
      URL,
    );
    expect(only(items.articles).published).toBe('2003-06-11T04:00:00.000Z');
  });

  it('dcterms dates only when nothing better is given; dc:author only when no other author is', () => {
    const dcterms = (dates: string) => `<item><guid>${dates.length}</guid>${dates}</item>`;
    const feed = parseFeedSync(
      rss(
        dcterms('<dcterms:modified>2003-01-03T00:00:00Z</dcterms:modified><pubDate>Wed, 01 Jan 2003 00:00:00 GMT</pubDate>') +
          dcterms('<dcterms:modified>2003-01-03T00:00:00Z</dcterms:modified><dcterms:issued>2003-01-02T00:00:00Z</dcterms:issued>') +
          '<item><guid>x</guid><dc:author>Editor</dc:author><author>jane@example.org (Jane)</author></item>',
      ).replace('<rss ', '<rss xmlns:dcterms="http://purl.org/dc/terms/" '),
      URL,
    );
    expect(feed.articles.map((a) => a.published)).toEqual(['2003-01-01T00:00:00.000Z', '2003-01-02T00:00:00.000Z', null]);
    expect(feed.articles[2]!.author).toBe('Jane');
  });

  it('a root element with a namespace prefix: Atom, and RSS 1.0 elements prefixed inside rdf:RDF', () => {
    const prefixedAtom =
      '<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>Prefixed</a:title>' +
      '<a:entry><a:id>1</a:id><a:title>One</a:title><a:link href="https://example.org/1"/><a:updated>2006-01-18T11:26:54Z</a:updated></a:entry></a:feed>';
    const feed = parseFeedSync(prefixedAtom, URL);
    expect(feed.title).toBe('Prefixed');
    expect(only(feed.articles)).toMatchObject({ id: '1', title: 'One', link: 'https://example.org/1', published: '2006-01-18T11:26:54.000Z' });
    const rdf =
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rss="http://purl.org/rss/1.0/">' +
      '<rss:channel><rss:title>RDF</rss:title></rss:channel>' +
      '<rss:item rdf:about="https://example.org/a"><rss:title>A</rss:title><rss:link>https://example.org/a</rss:link></rss:item></rdf:RDF>';
    const fromRdf = parseFeedSync(rdf, URL);
    expect(fromRdf.title).toBe('RDF');
    expect(only(fromRdf.articles)).toMatchObject({ title: 'A', link: 'https://example.org/a' });
  });
});
