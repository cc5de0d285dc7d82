/**
 * core/discussions/page-address.ts: the address an article's page gives itself, asked about beside the
 * feed's link (lookupUrls) when the feed's link carries the site's own tracking parameters.
 */
import { describe, expect, it } from 'vitest';
import { canonicalAddress, lookupUrls, pageAddress, urlIdentity } from '../../source/core/discussions.js';

const PAGE = 'https://www.heise.de/news/Java-3088438.html?wt_mc=rss.developer.beitrag.atom';

describe('canonicalAddress', () => {
  it.each([
    ['<head><link rel="canonical" href="https://www.heise.de/news/Java-3088438.html"></head>', 'https://www.heise.de/news/Java-3088438.html'],
    ['<HEAD><LINK HREF="/news/Java-3088438.html" REL="Canonical"/></HEAD>', 'https://www.heise.de/news/Java-3088438.html'],
    ['<link href="https://www.heise.de/a?x=1&amp;y=2" rel="alternate canonical">', 'https://www.heise.de/a?x=1&y=2'],
    ['<link rel="stylesheet" href="/s.css"><link rel="canonical" href="  https://e.net/p  ">', 'https://e.net/p'],
  ])('reads %s', (html, expected) => {
    expect(canonicalAddress(html, PAGE)).toBe(expected);
  });

  it.each([
    ['no canonical', '<head><title>x</title><link rel="alternate" href="https://e.net/feed"></head>'],
    ['a script URL', '<link rel="canonical" href="javascript:alert(1)">'],
    ['a data URL', '<link rel="canonical" href="data:text/html,x">'],
    ['an empty href', '<link rel="canonical" href="">'],
    ['one in the body only', '<head></head><body><link rel="canonical" href="https://e.net/p"></body>'],
  ])('gives nothing for %s', (_, html) => {
    expect(canonicalAddress(html, PAGE)).toBeUndefined();
  });

  it('never passes on control characters', () => {
    expect(canonicalAddress('<link rel="canonical" href="https://e.net/\u0000\u001b[31m">', PAGE)).toBe('https://e.net/[31m');
  });

  it('reads only the head, and a bounded part of it', () => {
    const huge = `<head>${'<meta name="x" content="y">'.repeat(20_000)}<link rel="canonical" href="https://e.net/late"></head>`;
    expect(huge.length).toBeGreaterThan(256 * 1024);
    expect(canonicalAddress(huge, PAGE)).toBeUndefined();
  });
});

describe('pageAddress', () => {
  it('is the canonical link, else where the URL redirected to, else nothing', () => {
    const html = '<head><link rel="canonical" href="/news/Java-3088438.html"></head>';
    expect(pageAddress({ url: PAGE, finalUrl: PAGE, html })).toBe('https://www.heise.de/news/Java-3088438.html');
    expect(pageAddress({ url: 'https://feedproxy.google.com/~r/x/~3/abc/', finalUrl: 'https://blog.net/post/', html: '<p>x</p>' })).toBe(
      'https://blog.net/post/',
    );
    expect(pageAddress({ url: PAGE, finalUrl: PAGE, html: '<p>x</p>' })).toBeUndefined();
  });

  it("ignores a canonical that names the site's front page for an article (a template's mistake)", () => {
    const html = '<head><link rel="canonical" href="https://www.heise.de/"></head>';
    expect(pageAddress({ url: PAGE, finalUrl: PAGE, html })).toBeUndefined();
    // The front page itself may say so.
    expect(pageAddress({ url: 'https://www.heise.de/', finalUrl: 'https://www.heise.de/', html })).toBe('https://www.heise.de/');
  });
});

describe('lookupUrls with the page address', () => {
  it("asks about the page's own address too, once per identity", () => {
    const urls = lookupUrls({ link: PAGE, pageAddress: 'https://www.heise.de/news/Java-3088438.html' });
    expect(urls.map((u) => u.url)).toEqual([PAGE, 'https://www.heise.de/news/Java-3088438.html']);
    // The same identity as the link (scheme, utm_*, a slash): asked once.
    expect(lookupUrls({ link: 'https://blog.net/p/', pageAddress: 'http://blog.net/p?utm_source=x' })).toHaveLength(1);
    // A local or reserved address named by a page is never sent anywhere.
    expect(lookupUrls({ link: PAGE, pageAddress: 'http://127.0.0.1/admin' })).toHaveLength(1);
    expect(urlIdentity(urls[1]!.url)).toBe('www.heise.de/news/Java-3088438.html');
  });
});
