/** OPML import and export: Broadsheet's own export imports back as it was; nothing that could run a command is imported. */
import { describe, expect, it } from 'vitest';
import { parseOpml, toOpml } from '../source/core/opml.js';

const opml = (outlines: string) => `<?xml version="1.0"?><opml version="2.0"><body>${outlines}</body></opml>`;

describe('OPML', () => {
  it('round-trips its own export: http(s) and local file feeds, titles and tags', () => {
    const feeds = [
      { url: 'https://example.org/feed/', title: 'Example & <Co>', tags: ['news', 'tech'] },
      { url: 'file:///home/me/feeds/local%20copy.xml', title: "Mine's" },
      { url: 'http://127.0.0.1:8080/x.rss', tags: ['lab'] },
    ];
    const titles = new Map([['http://127.0.0.1:8080/x.rss', 'Cached title']]);
    const parsed = parseOpml(toOpml(feeds, titles));
    expect(parsed.rejected).toEqual([]);
    expect(parsed.feeds).toEqual([feeds[0], feeds[1], { ...feeds[2], title: 'Cached title' }]);
    expect(toOpml(parsed.feeds)).toBe(toOpml(feeds, titles));
  });

  it('writes the configured title, else the cached one, else the URL', () => {
    const out = toOpml(
      [{ url: 'https://a.example/f', title: 'Mine' }, { url: 'https://b.example/f' }, { url: 'https://c.example/f' }],
      new Map([
        ['https://b.example/f', 'From the feed'],
        ['https://a.example/f', 'Not this'],
      ]),
    );
    expect(out).toContain('text="Mine" title="Mine" xmlUrl="https://a.example/f"');
    expect(out).toContain('text="From the feed" title="From the feed" xmlUrl="https://b.example/f"');
    expect(out).toContain('text="https://c.example/f" title="https://c.example/f" xmlUrl="https://c.example/f"');
  });

  it('imports absolute paths as file: URLs', () => {
    expect(parseOpml(opml('<outline text="L" xmlUrl="/srv/feeds/a b.xml"/>')).feeds).toEqual([{ url: 'file:///srv/feeds/a%20b.xml', title: 'L' }]);
  });

  it('refuses commands, other schemes, remote file: hosts and relative paths, naming each', () => {
    const refused = [
      'exec:touch /tmp/bs-pwned',
      'filter:/bin/sh:https://e.example/',
      'javascript:alert(1)',
      'file://evil.example/share/x.xml',
      'feeds/x.xml',
      '|rm -rf ~',
      '~/x.xml',
      'ftp://e.example/f',
      'file:///tmp/a%0Ab.xml',
    ];
    const parsed = parseOpml(opml(refused.map((u) => `<outline text="x" xmlUrl="${u}"/>`).join('')));
    expect(parsed.feeds).toEqual([]);
    expect(parsed.rejected.map((r) => r.url)).toEqual(refused);
    for (const r of parsed.rejected) expect(r.reason).toBe('only http(s) feed URLs and local files can be imported');
  });
});
