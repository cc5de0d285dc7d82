/** URL identity: which submitted URLs are the article's, and which URLs are asked about. */
import { describe, expect, it } from 'vitest';
import { cleanUrl, isUnsubmittableHost, lookupUrls, sameArticle, urlIdentity } from '../../source/core/discussions/url-identity.js';

const BASE = 'https://blog.inkandpaper.net/2026/01/a-post';

describe('urlIdentity', () => {
  // [a, b, same?, why]
  const cases: Array<[string, string, boolean, string]> = [
    [BASE, 'http://blog.inkandpaper.net/2026/01/a-post', true, 'the scheme is ignored'],
    [BASE, 'https://BLOG.InkAndPaper.NET/2026/01/a-post', true, 'the host is lowercased'],
    [BASE, 'https://blog.inkandpaper.net:443/2026/01/a-post', true, 'a default port is dropped'],
    ['http://blog.inkandpaper.net:80/x', 'https://blog.inkandpaper.net/x', true, 'the default port of either scheme'],
    [BASE, 'https://blog.inkandpaper.net:8443/2026/01/a-post', false, 'another port is another site'],
    [BASE, `${BASE}#comments`, true, 'the fragment is dropped'],
    [BASE, `${BASE}/`, true, 'one trailing slash is dropped'],
    [BASE, `${BASE}//`, false, 'only one trailing slash'],
    ['https://blog.inkandpaper.net/', 'https://blog.inkandpaper.net', true, 'the root path'],
    [BASE, `${BASE}?utm_source=rss&utm_medium=feed&UTM_Campaign=x`, true, 'utm_* parameters, any case'],
    [BASE, `${BASE}?fbclid=a&gclid=b&dclid=c&msclkid=d&mc_cid=e&mc_eid=f&igshid=g`, true, 'click ids'],
    [`${BASE}?id=3`, `${BASE}?utm_source=x&id=3`, true, 'other parameters are kept around dropped ones'],
    [`${BASE}?id=3`, `${BASE}?id=4`, false, 'a different parameter value is a different article'],
    [`${BASE}?a=1&b=2`, `${BASE}?b=2&a=1`, false, 'parameter order is kept'],
    [`${BASE}?id=3`, BASE, false, 'a kept parameter matters'],
    [`${BASE}/?id=3`, `${BASE}?id=3`, true, 'the trailing slash before a query'],
    [BASE, 'https://www.blog.inkandpaper.net/2026/01/a-post', false, 'www. is kept: it may be another site'],
    [BASE, 'https://blog.inkandpaper.net/2026/01/A-Post', false, 'the path keeps its case'],
    [BASE, 'https://blog.inkandpaper.net/2026/01/a-posts', false, 'a near miss (what Algolia answers too)'],
    ['https://xn--bcher-kva.example/x', 'https://BÜCHER.example/x', true, 'international hosts in punycode'],
    ['https://blog.inkandpaper.net/x?utm_source', 'https://blog.inkandpaper.net/x', true, 'a bare tracking key'],
    ['https://blog.inkandpaper.net/x?utm%5Fsource=y', 'https://blog.inkandpaper.net/x', true, 'an encoded tracking key'],
  ];
  it.each(cases)('%s vs %s -> %s (%s)', (a, b, same) => {
    expect(sameArticle(a, b)).toBe(same);
  });

  it('is null for anything but http(s)', () => {
    expect(urlIdentity('ftp://example.org/x')).toBeNull();
    expect(urlIdentity('javascript:alert(1)')).toBeNull();
    expect(urlIdentity('not a url')).toBeNull();
    expect(urlIdentity('')).toBeNull();
  });

  it('reads as host, path and kept query', () => {
    expect(urlIdentity('HTTPS://Blog.InkAndPaper.net/a/?utm_source=x&q=1#top')).toBe('blog.inkandpaper.net/a?q=1');
  });
});

describe('cleanUrl and lookupUrls', () => {
  it('drops the fragment and tracking parameters, keeping scheme, path and the other parameters', () => {
    expect(cleanUrl('http://blog.inkandpaper.net/a/?utm_source=rss&id=3&fbclid=x#c')).toBe('http://blog.inkandpaper.net/a/?id=3');
    expect(cleanUrl('https://blog.inkandpaper.net/a/?utm_source=rss')).toBe('https://blog.inkandpaper.net/a/');
  });

  it('asks about the original link and the link, once per identity', () => {
    expect(lookupUrls({ link: 'https://feedproxy.google.com/~r/blog/~3/abc/', origLink: 'https://blog.inkandpaper.net/a/?utm_source=feedburner' })).toEqual([
      { url: 'https://blog.inkandpaper.net/a/', identity: 'blog.inkandpaper.net/a' },
      { url: 'https://feedproxy.google.com/~r/blog/~3/abc/', identity: 'feedproxy.google.com/~r/blog/~3/abc' },
    ]);
    expect(lookupUrls({ link: 'https://blog.inkandpaper.net/a', origLink: 'http://blog.inkandpaper.net/a/#x' })).toHaveLength(1);
  });

  it('never sends local or reserved addresses anywhere', () => {
    for (const host of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.1',
      '192.168.1.5',
      '169.254.0.9',
      '0.0.0.0',
      '[::1]',
      '[fe80::1]',
      '[fd00::2]',
      'wiki',
      'localhost',
      'printer.local',
      'intranet.internal',
      'example.com',
      'www.example.org',
      'a.example',
      'x.test',
      'demo.broadsheet.invalid',
    ]) {
      expect(isUnsubmittableHost(host), host).toBe(true);
    }
    for (const host of ['8.8.8.8', '172.32.0.1', 'blog.inkandpaper.net', 'news.ycombinator.com', '[2001:db8::1]'])
      expect(isUnsubmittableHost(host), host).toBe(false);
    expect(lookupUrls({ link: 'http://192.168.1.5/intranet/page' })).toEqual([]);
    expect(lookupUrls({ link: 'http://wiki/Main_Page' })).toEqual([]);
  });

  it('leaves out hosts that cannot have been submitted, and non-http links', () => {
    expect(lookupUrls({ link: 'https://demo.broadsheet.invalid/blog/x/' })).toEqual([]);
    expect(lookupUrls({ link: 'https://a.example/story/1' })).toEqual([]);
    expect(lookupUrls({ link: 'http://localhost:8080/x' })).toEqual([]);
    expect(lookupUrls({ link: 'file:///home/me/x.html' })).toEqual([]);
    expect(lookupUrls({})).toEqual([]);
  });
});
