/** discover.ts: RSS/Atom autodiscovery links in HTML pages, and the message that carries the URL. */
import { describe, expect, it } from 'vitest';
import { discoverFeeds, discoveredFeedError, discoveredUrlInMessage, discoveredUrlOf, htmlPageMessage, looksLikeHtml } from '../source/core/discover.js';
import { FeedParseError } from '../source/core/parse.js';

const PAGE = 'https://example.org/blog/post/';
const page = (head: string, body = '') => `<!DOCTYPE html><html><head><title>A blog</title>${head}</head><body>${body}</body></html>`;
const urls = (html: string, at = PAGE) => discoverFeeds(html, at).map((f) => f.url);

describe('discoverFeeds', () => {
  it('finds RSS and Atom alternates in document order, resolved against the page', () => {
    const html = page(
      '<link rel="alternate" type="application/rss+xml" title="Posts" href="/feed/">' +
        '<link rel="alternate" type="application/atom+xml" title="Posts (Atom)" href="feed/atom/">' +
        '<link rel="alternate" type="application/rss+xml" title="Comments" href="https://example.org/comments/feed/">',
    );
    expect(discoverFeeds(html, PAGE)).toEqual([
      { url: 'https://example.org/feed/', type: 'rss', title: 'Posts' },
      { url: 'https://example.org/blog/post/feed/atom/', type: 'atom', title: 'Posts (Atom)' },
      { url: 'https://example.org/comments/feed/', type: 'rss', title: 'Comments' },
    ]);
  });

  it('reads rel as a token list and type without case or parameters, like a browser', () => {
    const html = page(
      '<LINK REL="Alternate Feed" TYPE="Application/RSS+XML; charset=utf-8" HREF="/a.xml">' +
        '<link rel="alternate stylesheet" type="application/rss+xml" href="/not-a-feed.xml">' +
        '<link rel="stylesheet" type="text/css" href="/s.css">' +
        '<link rel="alternate" hreflang="fr" type="text/html" href="/fr/">' +
        '<link rel="alternate" type="application/json" href="/feed.json">' +
        '<link rel="self" type="application/atom+xml" href="/self.xml">' +
        '<link rel=alternate type=application/atom+xml href=/b.atom>',
    );
    expect(urls(html)).toEqual(['https://example.org/a.xml', 'https://example.org/b.atom']);
  });

  it('honours the first <base href>, wherever it is in the head', () => {
    const html = page(
      '<link rel="alternate" type="application/rss+xml" href="feed.xml"><base href="https://cdn.example.net/site/"><base href="https://ignored.example/">',
    );
    expect(urls(html)).toEqual(['https://cdn.example.net/site/feed.xml']);
    expect(urls(page('<base href="javascript:alert(1)"><link rel="alternate" type="application/rss+xml" href="f.xml">'))).toEqual([
      'https://example.org/blog/post/f.xml',
    ]);
  });

  it('keeps only http(s) URLs, never the page itself, each once', () => {
    const html = page(
      [
        'javascript:alert(1)',
        'file:///etc/passwd',
        'data:application/rss+xml,<rss/>',
        'feed://example.org/x',
        PAGE,
        '/f.xml',
        '/f.xml',
        'https://example.org/f.xml',
      ]
        .map((href) => `<link rel="alternate" type="application/rss+xml" href="${href}">`)
        .join(''),
    );
    expect(urls(html)).toEqual(['https://example.org/f.xml']);
  });

  it('decodes entities in attributes and sanitizes titles', () => {
    const html = page('<link rel="alternate" type="application/rss+xml" title="News &amp; &#27;]0;pwned&#7;views\u202e" href="/feed?a=1&amp;b=2">');
    expect(discoverFeeds(html, PAGE)).toEqual([{ url: 'https://example.org/feed?a=1&b=2', type: 'rss', title: 'News & views' }]);
  });

  it('ignores links inside comments, scripts and the title element', () => {
    const link = '<link rel="alternate" type="application/rss+xml" href="/hidden.xml">';
    const html =
      `<!DOCTYPE html><html><head><title>${link}</title><!-- ${link} --><script>document.write('${link}')</script>` +
      `<style>/* ${link} */</style><link rel="alternate" type="application/rss+xml" href="/real.xml"></head></html>`;
    expect(urls(html)).toEqual(['https://example.org/real.xml']);
  });

  it('finds nothing on a page without feeds, and never throws on junk', () => {
    expect(discoverFeeds(page(''), PAGE)).toEqual([]);
    expect(discoverFeeds('', PAGE)).toEqual([]);
    expect(discoverFeeds('<link rel="alternate" type="application/rss+xml" href="/f.xml"', PAGE)).toEqual([]);
    expect(urls('<<<>>><link rel="alternate" type="application/rss+xml" href="/f.xml"/>', 'not a url')).toEqual([]);
  });

  it('stays linear on hostile pages (many unclosed and stray tags)', () => {
    const n = 100_000;
    const html = `<html>${'<div>'.repeat(n)}${'</x>'.repeat(n)}<link rel="alternate" type="application/rss+xml" href="/f.xml">`;
    const started = performance.now();
    expect(urls(html)).toEqual(['https://example.org/f.xml']);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('looksLikeHtml', () => {
  it('tells HTML pages from feeds', () => {
    expect(looksLikeHtml(page(''))).toBe(true);
    expect(looksLikeHtml('\n\n<html lang="en"><body>x</body></html>')).toBe(true);
    expect(looksLikeHtml('<?xml version="1.0"?><rss version="2.0"><channel><description>&lt;html&gt;</description>')).toBe(false);
    expect(looksLikeHtml('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><content type="html"><html>')).toBe(false);
    expect(looksLikeHtml('')).toBe(false);
  });
});

describe('the message that names a discovered feed', () => {
  it('is one line ending in the URL, and the URL can be read back from it', () => {
    const url = 'https://example.org/feed.xml';
    expect(htmlPageMessage(url)).toBe(`not a feed: an HTML page; it links to the feed ${url}`);
    expect(discoveredUrlInMessage(htmlPageMessage(url))).toBe(url);
    const error = discoveredFeedError(url);
    expect(error).toBeInstanceOf(FeedParseError);
    expect(error.message).toBe(htmlPageMessage(url));
    expect(discoveredUrlOf(error)).toBe(url);
    // As a parse worker's error arrives in the main thread: name and message only.
    expect(discoveredUrlOf(new FeedParseError(error.message))).toBe(url);
  });

  it('keeps a long URL whole under the 120-character cap, and gives up rather than return a cut one', () => {
    const long = `https://example.org/${'a'.repeat(50)}/feed.xml`; // 79 characters: too long for the long form
    const message = htmlPageMessage(long);
    expect(message).toBe(`not a feed: HTML page; its feed: ${long}`);
    expect(message.length).toBeLessThanOrEqual(120);
    expect(new FeedParseError(message).message).toBe(message);
    expect(discoveredUrlInMessage(message)).toBe(long);
    const tooLong = `https://example.org/${'a'.repeat(200)}`;
    expect(discoveredUrlOf(new FeedParseError(htmlPageMessage(tooLong)))).toBeNull();
    expect(discoveredUrlOf(discoveredFeedError(tooLong))).toBe(tooLong); // in the same thread: whole
  });

  it('is null for every other failure', () => {
    expect(discoveredUrlOf(new FeedParseError('not a feed: got an HTML page'))).toBeNull();
    expect(discoveredUrlOf(new Error('not a feed: an HTML page; it links to the feed https://example.org/f'))).toBeNull();
    expect(discoveredUrlOf('text')).toBeNull();
    expect(discoveredUrlInMessage('not a feed: an HTML page; it links to the feed javascript:alert(1)')).toBeNull();
  });
});
