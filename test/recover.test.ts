/**
 * recover.ts: what a tolerant parse reads from feeds the strict parse rejects, and runParseJob's use of
 * it (broken flag and reason, autodiscovery errors).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FeedParseError, parseFeedDetailed, parseFeedSync } from '../source/core/parse.js';
import { runParseJob } from '../source/core/workers/parse-job.js';
import { MAX_DEPTH, recoverFeed } from '../source/core/parse.js';
import type { Article, ParsedFeed } from '../source/core/types.js';

const URL_ = 'https://example.org/feed.xml';
const corpusRoot = fileURLToPath(new URL('fixtures/corpus/', import.meta.url));

const rssItem = (i: number, extra = '') =>
  `<item><title>Item ${i}</title><link>https://example.org/${i}</link><guid>g${i}</guid>` +
  `<pubDate>Tue, 10 Nov 2026 10:00:0${i % 10} GMT</pubDate><description>&lt;p&gt;Body ${i}&lt;/p&gt;</description>${extra}</item>\n`;
const rss = (items: string, head = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">${head}<channel><title>Test feed</title><link>https://example.org/</link>\n${items}</channel></rss>\n`;
const items = (n: number, extra = '') => Array.from({ length: n }, (_, i) => rssItem(i + 1, extra)).join('');

function strictFails(xml: string): string {
  try {
    parseFeedSync(xml, URL_);
  } catch (error) {
    expect(error).toBeInstanceOf(FeedParseError);
    return (error as Error).message;
  }
  throw new Error('expected the strict parse to fail');
}

function recovered(xml: string): ParsedFeed {
  const r = recoverFeed(xml, URL_);
  expect(r).not.toBeNull();
  expect(r!.feed.broken).toBe(true);
  return r!.feed;
}

const titles = (feed: ParsedFeed) => feed.articles.map((a) => a.title);
const noControls = (a: Article) => {
  for (const [key, value] of Object.entries(a)) {
    if (typeof value === 'string') expect(value, key).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
  }
};

describe('recoverFeed', () => {
  it('keeps every complete item of a truncated feed, and the cut one when its title made it', () => {
    const whole = rss(items(10));
    const cut = whole.slice(0, whole.indexOf('Body 8') + 2); // inside item 8's description: '&lt;p&gt;Bo'
    expect(strictFails(cut)).toMatch(/^XML error: /);
    const feed = recovered(cut);
    expect(titles(feed)).toEqual(Array.from({ length: 8 }, (_, i) => `Item ${i + 1}`));
    expect(feed.title).toBe('Test feed');
    // The cut body keeps what arrived; the complete items are exactly what the strict parse gives.
    expect(feed.articles[7]!.html).toBe('<p>Bo');
    expect(feed.articles.slice(0, 7)).toEqual(parseFeedSync(whole, URL_).articles.slice(0, 7));
  });

  it('drops the element the cut fell in, and an item cut before anything that identifies it', () => {
    const whole = rss(items(3));
    const inLink = whole.slice(0, whole.indexOf('https://example.org/3') + 12);
    const feed = recovered(inLink);
    expect(titles(feed)).toEqual(['Item 1', 'Item 2', 'Item 3']);
    expect(feed.articles[2]!.link).toBe(''); // not the half URL "https://exam"
    const bare = whole.slice(0, whole.indexOf('<title>Item 3') + 9);
    expect(titles(recovered(bare))).toEqual(['Item 1', 'Item 2']);
    const midTag = whole.slice(0, whole.indexOf('<item><title>Item 3') + 3);
    expect(titles(recovered(midTag))).toEqual(['Item 1', 'Item 2']);
  });

  it('keeps a body cut inside CDATA', () => {
    const xml = rss(`${rssItem(1)}<item><title>Two</title><content:encoded><![CDATA[<p>Half a para`).replace('</channel></rss>\n', '');
    const feed = recovered(xml);
    expect(feed.articles[1]).toMatchObject({ title: 'Two', html: '<p>Half a para' });
  });

  it('a missing </item> costs nothing (every later item would otherwise nest inside it)', () => {
    const xml = rss(items(30).replace('</item>\n', '\n'));
    expect(strictFails(xml)).toMatch(/^XML error: /);
    const feed = recovered(xml);
    expect(feed.articles).toHaveLength(30);
    expect(feed.articles).toEqual(parseFeedSync(rss(items(30)), URL_).articles);
  });

  it('an unclosed element before an item (image, description) does not swallow the items after it', () => {
    const image = rss(`<image><url>https://example.org/logo.png</url>${items(3)}`);
    expect(strictFails(image)).toMatch(/^XML error: /);
    expect(titles(recovered(image))).toEqual(['Item 1', 'Item 2', 'Item 3']);
    const body = rss(items(3).replace('&lt;/p&gt;</description></item>', '&lt;/p&gt;'));
    expect(strictFails(body)).toMatch(/^XML error: /);
    const feed = recovered(body);
    expect(titles(feed)).toEqual(['Item 1', 'Item 2', 'Item 3']);
    expect(feed.articles[0]!.html).toBe('<p>Body 1</p>\n');
  });

  it('mis-nested and stray tags cost nothing', () => {
    const xml = rss(items(5, '<b>bold <i>mixed</b></i></stray><comments>https://example.org/c</comments>'));
    expect(strictFails(xml)).toMatch(/^XML error: /);
    const feed = recovered(xml);
    expect(titles(feed)).toEqual(['Item 1', 'Item 2', 'Item 3', 'Item 4', 'Item 5']);
    expect(feed.articles.every((a) => a.commentsUrl === 'https://example.org/c')).toBe(true);
  });

  it('items after a stray </channel> still count', () => {
    const xml = rss(`${items(2)}</channel>${rssItem(3)}</wrong>`);
    expect(titles(recovered(xml))).toEqual(['Item 1', 'Item 2', 'Item 3']);
  });

  it('decodes entities once, HTML names included, and leaves bare & as written', () => {
    const xml = rss(
      '<item><guid>1</guid><title>AT&T R&D &nbsp;&copy; 2024 &amp;amp; &unknown; &#233;</title>' +
        '<description>a &amp;lt;b&amp;gt; &lt;i&gt;x&lt;/i&gt;</description><link>https://example.org/?a=1&amp;b=2</link></item>' +
        '<item><title>cut',
    );
    const [a] = recovered(xml).articles;
    // Titles are HTML, so `&amp;amp;` ends as `&`, exactly as in the strict parse.
    expect(a!.title).toBe('AT&T R&D © 2024 & &unknown; é');
    expect(a!.html).toBe('a &lt;b&gt; <i>x</i>');
    expect(a!.link).toBe('https://example.org/?a=1&b=2');
  });

  it('keeps raw markup in a body as its HTML', () => {
    const xml = rss('<item><guid>1</guid><title>t</title><description>one<br>two &amp; <b>three</b> <![CDATA[<raw>]]></description></item><item>');
    expect(recovered(xml).articles[0]!.html).toBe('one<br>two &amp; <b>three</b> &lt;raw&gt;');
  });

  it('reads Atom entries and RSS 1.0 items', () => {
    const atom =
      '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom feed</title><link href="https://example.org/"/>' +
      '<entry><id>urn:1</id><title>First</title><link href="/posts/1"/><updated>2026-01-02T03:04:05Z</updated><content type="html">&lt;p&gt;one&lt;/p&gt;</content></entry>' +
      '<entry><id>urn:2</id><title>Second</title><link href="/posts/2"/><content type="html">&lt;p&gt;tw';
    expect(strictFails(atom)).toMatch(/^XML error: /);
    const feed = recovered(atom);
    expect(feed.title).toBe('Atom feed');
    expect(feed.articles.map((a) => [a.id, a.title, a.link, a.published])).toEqual([
      ['urn:1', 'First', 'https://example.org/posts/1', '2026-01-02T03:04:05.000Z'],
      ['urn:2', 'Second', 'https://example.org/posts/2', null],
    ]);
    expect(feed.articles.map((a) => a.html)).toEqual(['<p>one</p>', '<p>tw']);

    const rdf =
      '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">' +
      '<channel rdf:about="https://example.org/"><title>RDF feed</title><link>https://example.org/</link></channel>' +
      '<item rdf:about="https://example.org/1"><title>One</title><link>https://example.org/1</link></item>' +
      '<item rdf:about="https://example.org/2"><title>Two</title><link>https://example.org/2</link><description>a<br>b</description></item>';
    expect(strictFails(rdf)).toMatch(/^XML error: /);
    expect(recovered(rdf).articles.map((a) => [a.id, a.title])).toEqual([
      ['https://example.org/1', 'One'],
      ['https://example.org/2', 'Two'],
    ]);
  });

  it('reads a feed whose root element has a namespace prefix, its items prefixed alike', () => {
    const xml =
      '<r:rss version="2.0" xmlns:r="http://backend.userland.com/rss2"><r:channel><r:title>Prefixed</r:title>\n' +
      '<r:item><r:title>One</r:title><r:guid>1</r:guid>\n<r:item><r:title>Two</r:title><r:guid>2</r:guid></r:item>\n<r:item><r:title>Thr';
    expect(strictFails(xml)).toMatch(/^XML error/);
    const feed = recovered(xml);
    expect(feed.title).toBe('Prefixed');
    // A missing </item> costs nothing; the item cut inside its title has nothing left and goes.
    expect(feed.articles.map((a) => a.title)).toEqual(['One', 'Two']);
  });

  it('skips junk before the document element', () => {
    const xml = `<br>\n<b>Warning</b>: Undefined index in <b>/var/www/feed.php</b><br>\n${rss(items(2))}`.replace('</rss>', '');
    expect(titles(recovered(xml))).toEqual(['Item 1', 'Item 2']);
  });

  it('gives null for what is not a feed, or a feed with no readable item', () => {
    expect(recoverFeed('', URL_)).toBeNull();
    expect(recoverFeed('<!DOCTYPE html><html><body><item><title>x</title></item></body></html>', URL_)).toBeNull();
    expect(recoverFeed(rss('').slice(0, 80), URL_)).toBeNull();
    expect(recoverFeed('<rss version="2.0"><title>no channel</title><item><title>x</title></item></rss>', URL_)).toBeNull();
    expect(recoverFeed('{"items": []}', URL_)).toBeNull();
  });

  it('expands no DTD entity and reads no external one (billion laughs, XXE)', () => {
    const laughs =
      '<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n' +
      ' <!ENTITY xxe SYSTEM "file:///etc/passwd">\n <!ENTITY remote SYSTEM "http://127.0.0.1:9/evil.dtd">\n]>\n' +
      '<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>Laughs &lol2; [&xxe;] [&remote;]</title></item><item><title>cut';
    const feed = recovered(laughs);
    expect(feed.articles[0]!.title).toBe('Laughs &lol2; [&xxe;] [&remote;]');
    expect(JSON.stringify(feed)).not.toMatch(/lollol|root:/);
  });

  it('passes every string through the sanitizer (raw and encoded escapes, C1, bidi)', () => {
    const xml = rss(
      '<item><guid>1\x1b[2J</guid><title>Raw \x1b]0;pwned\x07 title \u009b31m</title><author>\u202eevil</author>' +
        '<description><![CDATA[<p>&#27;]52;c;Y2FuYXJ5&#7; body</p>]]></description><link>javascript:alert(1)</link></item>' +
        '<item><title>Encoded &#27;[31m red &#x9b;2J</title><guid>2</guid></item><item>',
    );
    const feed = recovered(xml);
    expect(feed.articles).toHaveLength(2);
    feed.articles.forEach(noControls);
    expect(feed.articles[0]).toMatchObject({ title: 'Raw title 31m', link: '' });
    // A numeric reference in 0x80-0x9F is read the HTML way (windows-1252: `&#150;` is an en dash, as
    // the software that writes these meant), so `&#x9b;` is a harmless '›', not the C1 CSI.
    expect(feed.articles[1]!.title).toBe('Encoded red ›2J');
  });

  it('stays linear on hostile nesting (many unclosed tags and stray close tags)', () => {
    const n = 100_000;
    const xml = rss(rssItem(1)).replace('</channel></rss>\n', '') + '<b>'.repeat(n) + '</x>'.repeat(n) + rssItem(2);
    const started = performance.now();
    const feed = recovered(xml);
    expect(performance.now() - started).toBeLessThan(5000); // htmlparser2's Parser: minutes
    // The unclosed <b>s are capped at MAX_DEPTH, and item 2 closes them all (items belong in the channel).
    expect(titles(feed)).toEqual(['Item 1', 'Item 2']);
    expect(MAX_DEPTH).toBeGreaterThanOrEqual(64);
  });

  it('reads a well-formed feed exactly as the strict parse does (the same normalization)', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (statSync(file).isDirectory()) walk(file);
        else if (!/\/output\//.test(file) && !file.endsWith('.json')) files.push(file);
      }
    };
    walk(corpusRoot);
    // Raw markup in a body: the strict parse re-serializes it with xml2js's builder (a wrapper <div>,
    // attributes and text regrouped); recovery keeps it as written. Everything else must match.
    const rawBodies = /expertopinionent-typepad|intertwingly|nondefaultnamespace-prefixed|reddit-atom|reddit-home/;
    let compared = 0;
    for (const file of files) {
      const text = readFileSync(file, /encoding\.rss$/.test(file) ? 'latin1' : 'utf8');
      let strict: ParsedFeed;
      try {
        strict = parseFeedSync(text, URL_);
      } catch {
        continue;
      }
      if (strict.broken || strict.articles.length === 0) continue;
      const feed = recovered(text);
      const strip = (a: Article) => (rawBodies.test(file) ? { ...a, html: '' } : a);
      expect({ title: feed.title, link: feed.link }, file).toEqual({ title: strict.title, link: strict.link });
      expect(feed.articles.map(strip), file).toEqual(strict.articles.map(strip));
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(25);
  });
});

describe('runParseJob: strict first, then recovery ("bozo"), then autodiscovery', () => {
  const job = (text: string, contentType = 'application/rss+xml; charset=utf-8', url = URL_) =>
    runParseJob({ bytes: new TextEncoder().encode(text), contentType, url });

  it('a well-formed feed is not broken', async () => {
    const out = await job(rss(items(3)));
    expect(out).toMatchObject({ broken: false });
    expect(out.brokenReason).toBeUndefined();
    expect(out.feed.broken).toBeUndefined();
  });

  it('a feed the strict parse rejects is recovered, marked broken, with the XML error', async () => {
    const out = await job(rss(items(5)).slice(0, -40));
    expect(out.broken).toBe(true);
    expect(out.feed.articles).toHaveLength(5);
    expect(out.brokenReason).toMatch(/^XML error: Unclosed root tag, line \d+$/);
  });

  it('a feed that needed the entity repair is marked broken too', async () => {
    const xml = rss(items(2)).replace('Item 1', 'Fish & chips &nbsp;');
    expect(parseFeedDetailed(xml, URL_).repair).toMatch(/^XML error: /);
    const out = await job(xml);
    expect(out.broken).toBe(true);
    expect(out.brokenReason).toMatch(/^XML error: .*entity/i);
    expect(out.feed.articles[0]!.title).toBe('Fish & chips');
  });

  it('a well-formed feed that only uses its own DTD entities is not broken (they stay unexpanded)', async () => {
    const dtd = '<!DOCTYPE rss [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;">\n <!ENTITY xxe SYSTEM "file:///etc/hostname">\n]>';
    const xml = rss(items(2)).replace('<rss', `${dtd}\n<rss`).replace('Item 1', 'Laughs &lol2; [&xxe;]');
    const out = await job(xml);
    expect(out.broken).toBe(false);
    expect(out.feed.articles[0]!.title).toBe('Laughs &lol2; [&xxe;]');
    // The same document with a bare & as well is broken.
    expect((await job(xml.replace('Item 2', 'R&D'))).broken).toBe(true);
  });

  it('an unreadable document keeps the strict error', async () => {
    await expect(job(rss('').slice(0, 90))).rejects.toThrow(/^XML error: /);
    await expect(job('')).rejects.toThrow('empty document');
  });

  it('an HTML page that links to its feed names the feed URL', async () => {
    const page =
      '<!DOCTYPE html><html><head><title>Blog</title><link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml"></head><body>hi</body></html>';
    const error = await job(page, 'text/html; charset=utf-8', 'https://example.org/blog/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedParseError);
    expect((error as Error).message).toBe('not a feed: an HTML page; it links to the feed https://example.org/feed.xml');
    expect((error as { discoveredUrl?: string }).discoveredUrl).toBe('https://example.org/feed.xml');
    // Without a link, the plain HTML message.
    await expect(job('<!DOCTYPE html><html><body>hi</body></html>', 'text/html')).rejects.toThrow(/^not a feed: got an HTML page$/);
  });
});
