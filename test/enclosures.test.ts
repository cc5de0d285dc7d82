/**
 * Enclosures (podcasts, videos, images): read from RSS <enclosure>, Media RSS <media:content> and Atom
 * rel="enclosure" links, cleaned, kept with the article in the cache, and listed under the article's
 * text numbered after its links.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFeedSync } from '../source/core/parse.js';
import { renderHtml } from '../source/core/html.js';
import { formatBytes } from '../source/core/html/enclosures.js';
import { Store } from '../source/core/store.js';
import type { Article } from '../source/core/types.js';

const corpus = (name: string) => fs.readFileSync(fileURLToPath(new URL(`fixtures/corpus/${name}`, import.meta.url)), 'utf8');

const rss = (items: string, extraNs = '') =>
  `<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"${extraNs}><channel><title>T</title><link>https://example.org/</link>${items}</channel></rss>`;

describe('reading enclosures', () => {
  it('Channel 9 (real RSS 2.0): the <enclosure> first, then each Media RSS file once', () => {
    const feed = parseFeedSync(corpus('wordpress/feed-rs_rss_2.0_ch9.xml'), 'https://channel9.msdn.com/feed');
    const high = 'https://sec.ch9.ms/ch9/075d/6e61e6c6-3890-4172-a617-fa0c4b38075d/azfr663_high.mp4';
    expect(feed.articles[0]!.enclosures).toEqual([
      { url: high, type: 'video/mp4', length: 126659374 },
      { url: 'https://rev9.blob.core.windows.net/mfupload/04b236b5-e824-4091-85d8-acd90155d4b0_20210124205102.mp4', type: 'video/mp4', length: 1 },
      { url: 'https://sec.ch9.ms/ch9/075d/6e61e6c6-3890-4172-a617-fa0c4b38075d/azfr663.mp3', type: 'audio/mp3', length: 13878646 },
      { url: 'https://sec.ch9.ms/ch9/075d/6e61e6c6-3890-4172-a617-fa0c4b38075d/azfr663.mp4', type: 'video/mp4', length: 20450133 },
      { url: 'https://sec.ch9.ms/ch9/075d/6e61e6c6-3890-4172-a617-fa0c4b38075d/azfr663_mid.mp4', type: 'video/mp4', length: 49241848 },
      // type="" medium="video": the medium stands in for the type.
      { url: 'https://www.youtube-nocookie.com/embed/E-XqYb88hUY?enablejsapi=1', type: 'video', length: 1 },
    ]);
  });

  it('TypePad (real Atom): rel="enclosure" links, each URL once though the feed repeats it', () => {
    const feed = parseFeedSync(corpus('atom-threading/expertopinionent-typepad.atom'), 'https://expertopinionent.typepad.com/feed');
    expect(feed.articles[0]!.enclosures).toEqual([
      { url: 'https://ia601702.us.archive.org/23/items/ENTExpertOpinion/DavePothier-EeoPodcast.mp3', type: 'audio/mpeg', length: null },
    ]);
    const withEnclosures = feed.articles.filter((a) => a.enclosures);
    expect(withEnclosures.length).toBeGreaterThan(10);
  });

  it('an item without enclosures has no enclosures field', () => {
    const feed = parseFeedSync(rss('<item><title>a</title><link>https://example.org/a</link></item>'), 'https://example.org/feed');
    expect('enclosures' in feed.articles[0]!).toBe(false);
  });

  it('cleans hostile enclosures: only http(s) URLs, media types, positive sizes; relative URLs resolved', () => {
    const feed = parseFeedSync(
      rss(`<item xml:base="https://cdn.example.org/ep/"><title>a</title>
        <enclosure url="javascript:alert(1)" type="audio/mpeg" length="10"/>
        <enclosure url="one.mp3" type="Audio/MPEG; charset=x" length="2400000"/>
        <enclosure url="https://cdn.example.org/two.ogg" type="audio/ogg&#27;]0;owned&#7;" length="-5"/>
        <media:content url="https://cdn.example.org/three.jpg" type="image/jpeg" fileSize="0"/>
        <enclosure url="https://cdn.example.org/four.mp4" length="12abc"/>
      </item>`),
      'https://example.org/feed',
    );
    expect(feed.articles[0]!.enclosures).toEqual([
      { url: 'https://cdn.example.org/ep/one.mp3', type: 'audio/mpeg', length: 2400000 },
      { url: 'https://cdn.example.org/two.ogg', type: '', length: null },
      { url: 'https://cdn.example.org/four.mp4', type: '', length: null },
      { url: 'https://cdn.example.org/three.jpg', type: 'image/jpeg', length: null },
    ]);
  });

  it('reads the same enclosures when the strict parse (not the fast one) reads the feed', () => {
    const items = '<item><title>a &amp; b</title><enclosure url="https://example.org/a.mp3" type="audio/mpeg" length="1000"/></item>';
    const fast = parseFeedSync(rss(items), 'https://example.org/feed');
    // A bare `&` sends the feed past the fast pass to the strict parse and its repair.
    const strict = parseFeedSync(rss(items.replace('&amp;', '&')), 'https://example.org/feed');
    expect(strict.articles[0]!.enclosures).toEqual(fast.articles[0]!.enclosures);
    expect(fast.articles[0]!.enclosures).toEqual([{ url: 'https://example.org/a.mp3', type: 'audio/mpeg', length: 1000 }]);
  });

  it('stops at 20 enclosures per item', () => {
    const many = Array.from({ length: 30 }, (_, i) => `<enclosure url="https://example.org/${i}.mp3" type="audio/mpeg"/>`).join('');
    const feed = parseFeedSync(rss(`<item><title>a</title>${many}</item>`), 'https://example.org/feed');
    expect(feed.articles[0]!.enclosures).toHaveLength(20);
  });
});

describe('enclosures in the cache', () => {
  let dir = '';
  let store: Store | undefined;
  afterEach(() => {
    store?.close();
    store = undefined;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const item = (extra: Partial<Article>): Article => ({
    id: 'g1',
    title: 'Episode 1',
    link: 'https://example.org/1',
    author: '',
    published: '2026-11-01T00:00:00.000Z',
    html: '<p>Show notes.</p>',
    commentsUrl: '',
    commentFeedUrl: '',
    commentCount: null,
    ...extra,
  });

  it('keeps them with the article, updates them on the next refresh, and reads a damaged copy defensively', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-enc-'));
    store = Store.open(path.join(dir, 'cache.db'));
    const url = 'https://example.org/feed';
    store.syncFeeds([{ url }]);
    const enclosures = [{ url: 'https://example.org/1.mp3', type: 'audio/mpeg', length: 24_300_000 }];
    store.saveFeed(url, { title: 'Pod', link: '', articles: [item({ enclosures })] }, { etag: null, lastModified: null });
    const id = store.articles({}, { limit: 1 })[0]!.id;
    expect(store.article(id)!.enclosures).toEqual(enclosures);
    // The same body with another enclosure: the enclosures are rewritten.
    const next = [{ url: 'https://example.org/1-fixed.mp3', type: 'audio/mpeg', length: null }];
    store.saveFeed(url, { title: 'Pod', link: '', articles: [item({ enclosures: next })] }, { etag: null, lastModified: null });
    expect(store.article(id)!.enclosures).toEqual(next);
    store.saveFeed(url, { title: 'Pod', link: '', articles: [item({})] }, { etag: null, lastModified: null });
    expect(store.article(id)!.enclosures).toEqual([]);
    // A cache edited by hand: what is not an enclosure is dropped, a bad type or size becomes unknown.
    store.db
      .prepare('UPDATE bodies SET enclosures = ? WHERE article_id = ?')
      .run(JSON.stringify([{ url: 'javascript:x' }, 7, { url: 'https://example.org/ok.mp3', type: 'a\x1b[2Jb', length: -1 }]), id);
    expect(store.article(id)!.enclosures).toEqual([{ url: 'https://example.org/ok.mp3', type: '', length: null }]);
    store.db.prepare('UPDATE bodies SET enclosures = ? WHERE article_id = ?').run('{not json', id);
    expect(store.article(id)!.enclosures).toEqual([]);
  });
});

describe('enclosures in the article', () => {
  it('are listed after the links as "[N] type, size: URL", numbered after the text\'s links', () => {
    const r = renderHtml('<p>See <a href="https://example.org/notes">notes</a> and <a href="https://example.org/ep.mp3">the file</a>.</p>', {
      width: 80,
      color: false,
      enclosures: [
        { url: 'https://example.org/ep.mp3', type: 'audio/mpeg', length: 24_300_000 },
        { url: 'https://example.org/cover.jpg', type: 'image/jpeg', length: 512 },
        { url: 'https://example.org/video', type: '', length: null },
      ],
    });
    expect(r.links).toEqual(['https://example.org/notes', 'https://example.org/ep.mp3', 'https://example.org/cover.jpg', 'https://example.org/video']);
    const text = r.lines.join('\n');
    expect(text).toContain('Links\n[1] https://example.org/notes\n[2] https://example.org/ep.mp3\n\nEnclosures\n');
    // The file the text links to keeps its link's number.
    expect(r.lines.slice(-3)).toEqual([
      '[2] audio/mpeg, 24.3 MB: https://example.org/ep.mp3',
      '[3] image/jpeg, 512 bytes: https://example.org/cover.jpg',
      '[4] https://example.org/video',
    ]);
  });

  it('wraps a long enclosure line under its number', () => {
    const r = renderHtml('', { width: 30, color: false, enclosures: [{ url: `https://example.org/${'x'.repeat(40)}.mp3`, type: 'audio/mpeg', length: 1 }] });
    expect(r.lines[0]).toBe('Enclosures');
    expect(r.lines[1]!.startsWith('[1] audio/mpeg, 1 byte: ')).toBe(true);
    for (const line of r.lines.slice(2)) expect(line.startsWith('    ')).toBe(true);
    expect(
      r.lines
        .slice(1)
        .map((l) => l.slice(4))
        .join(''),
    ).toBe(`audio/mpeg, 1 byte: https://example.org/${'x'.repeat(40)}.mp3`);
  });

  it('formats sizes in decimal units', () => {
    expect([0, 1, 999, 1000, 1500, 999_960, 24_300_000, 1_200_000_000].map(formatBytes)).toEqual([
      '0 bytes',
      '1 byte',
      '999 bytes',
      '1.0 kB',
      '1.5 kB',
      '1.0 MB',
      '24.3 MB',
      '1.2 GB',
    ]);
  });
});
