import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Conf from 'conf';
import {
  loadSettings,
  LOOKUP_SERVICES,
  normalizeFeedUrl,
  resolveHome,
  ROOT_SCHEMA,
  SCHEMA,
  SettingsError,
  updateSettings,
  type Home,
} from '../source/core/settings.js';
import { LOOKUP_SERVICE_NAMES } from '../source/core/discussions/services.js';

let dir: string;
let home: Home;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-settings-'));
  home = resolveHome(dir);
});
afterEach(() => {
  fs.chmodSync(dir, 0o755);
  fs.rmSync(dir, { recursive: true, force: true });
});

const write = (value: unknown) => fs.writeFileSync(home.configPath, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

describe('resolveHome', () => {
  it('uses --home, then BROADSHEET_HOME, then the platform folders', () => {
    expect(resolveHome('/x/y').configPath).toBe('/x/y/config.json');
    expect(resolveHome(undefined, { BROADSHEET_HOME: '/a' }).cachePath).toBe('/a/cache.db');
    const platform = resolveHome(undefined, { HOME: '/home/u' });
    expect(platform.configPath).toMatch(/broadsheet[/\\]config\.json$/);
  });
});

describe('loadSettings', () => {
  it('falls back to the bundled demo feeds and writes nothing when there is no file', () => {
    const loaded = loadSettings(home);
    expect(loaded.demo).toBe(true);
    expect(loaded.settings.feeds.length).toBeGreaterThanOrEqual(3);
    expect(loaded.settings.feeds.every((f) => f.url.startsWith('file://'))).toBe(true);
    expect(fs.existsSync(home.configPath)).toBe(false);
  });

  it('merges defaults in memory and never rewrites the file', () => {
    const text = '{\n  "feeds": [{"url": "https://example.org/feed"}],\n  "refreshOnStart": false\n}\n';
    write(text);
    const before = fs.statSync(home.configPath).mtimeMs;
    const { settings, demo } = loadSettings(home);
    expect(demo).toBe(false);
    expect(settings.refreshOnStart).toBe(false);
    expect(settings.fetch.concurrency).toBe(8);
    expect(settings.sources.reddit.base).toBe('https://www.reddit.com');
    expect(settings.sources.bluesky).toEqual({ api: 'https://public.api.bsky.app', web: 'https://bsky.app' });
    expect(fs.readFileSync(home.configPath, 'utf8')).toBe(text);
    expect(fs.statSync(home.configPath).mtimeMs).toBe(before);
  });

  it('keeps 90 days and 500 articles a feed by default; the file and a feed may say otherwise', () => {
    write({ feeds: [{ url: 'https://example.org/feed', keep: { perFeed: 50 } }] });
    expect(loadSettings(home).settings.keep).toEqual({ days: 90, perFeed: 500 });
    expect(loadSettings(home).settings.feeds[0]!.keep).toEqual({ perFeed: 50 });
    write({ keep: { days: 30 } });
    expect(loadSettings(home).settings.keep).toEqual({ days: 30, perFeed: 500 });
  });

  it('asks every lookup service by default; [] turns lookups off; a feed may opt out', () => {
    write({ feeds: [{ url: 'https://example.org/feed', lookup: false }] });
    expect(loadSettings(home).settings.discussions.lookup).toEqual([...LOOKUP_SERVICE_NAMES]);
    expect(loadSettings(home).settings.feeds[0]!.lookup).toBe(false);
    write({ discussions: { lookup: [] } });
    expect(loadSettings(home).settings.discussions.lookup).toEqual([]);
    write({ discussions: { lookup: ['lobsters'] } });
    expect(loadSettings(home).settings.discussions.lookup).toEqual(['lobsters']);
    // The schema's list and the services a lookup knows stay in step.
    expect([...LOOKUP_SERVICES]).toEqual(LOOKUP_SERVICE_NAMES);
  });

  const bad: [string, unknown, RegExp][] = [
    ['broken JSON', '{"feeds": [', /not valid JSON/],
    ['a wrong type', { fetch: { concurrency: 'eight' } }, /fetch\.concurrency must be integer/],
    ['a bad feed URL', { feeds: [{ url: 'ftp://x' }] }, /feeds\.0\.url/],
    ['a bad source URL', { sources: { reddit: { base: 'not a url' } } }, /sources\.reddit\.base is not a valid URL/],
    ['an unknown key', { refreshOnstart: true }, /unknown key \("refreshOnstart"\)/],
    ['an unknown nested key', { fetch: { timeout: 3 } }, /fetch has an unknown key \("timeout"\)/],
    ['an unknown action under keys', { keys: { dwn: ['j'] } }, /keys has an unknown action \("dwn"; /],
    ['an unknown theme element', { theme: { headr: 'cyan' } }, /theme has an unknown key \("headr"; /],
    ['a theme colour that is not one', { theme: { header: 'chartreuse-ish' } }, /theme\.header is not a colour \("chartreuse-ish"; /],
    ['a theme colour that is a chalk method, not a style', { theme: { header: 'hex' } }, /theme\.header is not a colour/],
    ['a full-text flag that is not a boolean', { feeds: [{ url: 'https://example.org/feed', fullText: 'yes' }] }, /feeds\.0\.fullText must be boolean/],
    ['a misspelt full-text flag', { feeds: [{ url: 'https://example.org/feed', fulltext: true }] }, /feeds\.0 has an unknown key \("fulltext"\)/],
    ['a page cap below 1 KiB', { fetch: { pageMaxBytes: 10 } }, /fetch\.pageMaxBytes must be >= 1024/],
    ['an unknown lookup service', { discussions: { lookup: ['hackernews', 'digg'] } }, /discussions\.lookup\.1 must be equal to one of the allowed values/],
    ['an unknown discussions key', { discussions: { lookups: [] } }, /discussions has an unknown key \("lookups"\)/],
    ['a feed lookup flag that is not a boolean', { feeds: [{ url: 'https://example.org/feed', lookup: 'no' }] }, /feeds\.0\.lookup must be boolean/],
    ['a bad Bluesky AppView URL', { sources: { bluesky: { api: 'public.api.bsky.app' } } }, /sources\.bluesky\.api is not a valid URL/],
    ['a saved search without a query', { views: [{ name: 'Rust' }] }, /views\.0 must have required property 'query'/],
    ['a saved search with an unknown key', { views: [{ name: 'Rust', query: 'rust', sort: 'rank' }] }, /views\.0 has an unknown key \("sort"\)/],
    ['a saved search of no word', { views: [{ name: 'Quotes', query: '"" ()' }] }, /views\.0\.query must match pattern/],
    ['a negative reload interval', { reloadMinutes: -5 }, /reloadMinutes must be >= 0/],
    ['a reload interval that is not a number', { feeds: [{ url: 'https://example.org/feed', reloadMinutes: '5' }] }, /feeds\.0\.reloadMinutes must be number/],
    ['an unknown Bluesky key', { sources: { bluesky: { host: 'https://bsky.app' } } }, /sources\.bluesky has an unknown key \("host"\)/],
    [
      'a sync password in the file',
      { sync: { type: 'ttrss', url: 'https://x.example/tt-rss/', user: 'me', passwordCommand: 'pass x', password: 'p' } },
      /sync has an unknown key \("password"\)/,
    ],
    [
      'a sync without its passwordCommand',
      { sync: { type: 'ttrss', url: 'https://x.example/tt-rss/', user: 'me' } },
      /sync must have required property 'passwordCommand'/,
    ],
    [
      'an unknown sync server type',
      { sync: { type: 'feedly', url: 'https://x.example/', user: 'me', passwordCommand: 'pass x' } },
      /sync\.type must be equal to one of the allowed values/,
    ],
    ['a keep of zero days', { keep: { days: 0 } }, /keep\.days must be >= 1/],
    ['a keep per feed that is not a whole number', { keep: { perFeed: 2.5 } }, /keep\.perFeed must be integer/],
    ['an unknown keep key', { keep: { weeks: 4 } }, /keep has an unknown key \("weeks"\)/],
    ['a feed keep that is not a number', { feeds: [{ url: 'https://example.org/feed', keep: { days: 'forever' } }] }, /feeds\.0\.keep\.days must be integer/],
  ];
  for (const [what, content, message] of bad) {
    it(`reports ${what} in one line naming the file, and leaves the file alone`, () => {
      write(content);
      const before = fs.readFileSync(home.configPath);
      const error = errorOf(() => loadSettings(home));
      expect(error).toBeInstanceOf(SettingsError);
      expect(error.message).toContain(home.configPath);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('\n');
      expect(fs.readFileSync(home.configPath)).toEqual(before);
      // A write must refuse too, rather than replace what the user wrote.
      expect(() => updateSettings(home, (raw) => void (raw.feeds = []))).toThrow(SettingsError);
      expect(fs.readFileSync(home.configPath)).toEqual(before);
    });
  }

  it('reads saved searches, none by default, in any script', () => {
    write({ feeds: [] });
    expect(loadSettings(home).settings.views).toEqual([]);
    write({
      feeds: [],
      views: [
        { name: 'Rust', query: 'rust "borrow checker"' },
        { name: '南京', query: '南京' },
      ],
    });
    expect(loadSettings(home).settings.views).toEqual([
      { name: 'Rust', query: 'rust "borrow checker"' },
      { name: '南京', query: '南京' },
    ]);
  });

  it('reports an unreadable file', () => {
    if (process.getuid?.() === 0) return; // root reads everything: the permission check cannot fail
    write({});
    fs.chmodSync(home.configPath, 0o000);
    expect(errorOf(() => loadSettings(home)).message).toMatch(/permission denied/);
  });

  it('accepts every action name, chalk style names and #rrggbb colours', () => {
    write({ keys: { down: ['j'], 'toggle-collapse': ['space'] }, theme: { header: '#ff8800', selected: 'inverse', read: 'blueBright', error: 'bgRed' } });
    expect(loadSettings(home).settings.theme.header).toBe('#ff8800');
  });

  it("reads a feed's fullText flag, and the page cap with its 5 MiB default", () => {
    write({ feeds: [{ url: 'https://example.org/feed', fullText: true }, { url: 'https://example.org/other' }] });
    const { settings } = loadSettings(home);
    expect(settings.feeds.map((f) => f.fullText)).toEqual([true, undefined]);
    expect(settings.fetch.pageMaxBytes).toBe(5 * 1024 * 1024);
    write({ fetch: { pageMaxBytes: 2048 } });
    expect(loadSettings(home).settings.fetch.pageMaxBytes).toBe(2048);
  });

  it('reloads every 60 minutes by default; fractions, 0 (off) and a per-feed value are read', () => {
    write({});
    expect(loadSettings(home).settings.reloadMinutes).toBe(60);
    write({ reloadMinutes: 0.05, feeds: [{ url: 'https://example.org/feed', reloadMinutes: 0 }] });
    const { settings } = loadSettings(home);
    expect(settings.reloadMinutes).toBe(0.05);
    expect(settings.feeds[0]!.reloadMinutes).toBe(0);
  });

  it('allows comment keys', () => {
    write({ $schema: 'x', '// note': 'mine', feeds: [] });
    expect(loadSettings(home).settings.feeds).toEqual([]);
  });
});

describe('the settings schema', () => {
  it('is valid JSON Schema (the reader skips this check at start for speed)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-schema-'));
    try {
      // conf's defaults: ajv validates the schema against the meta-schema and throws if it is not valid.
      expect(() => new Conf({ cwd: dir, schema: SCHEMA as never, rootSchema: ROOT_SCHEMA as never })).not.toThrow();
      expect(() => new Conf({ cwd: dir, schema: { feeds: { type: 'nonsense' } } as never })).toThrow(/schema/i);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('updateSettings', () => {
  it('creates the file when there is none, starting from an empty feed list', () => {
    updateSettings(home, (raw) => void (raw.feeds = [{ url: 'https://example.org/feed' }]));
    expect(JSON.parse(fs.readFileSync(home.configPath, 'utf8'))).toEqual({ feeds: [{ url: 'https://example.org/feed' }] });
  });

  it('keeps the keys it did not change, comments included', () => {
    write({ '// why': 'my notes', feeds: [], theme: { header: 'red' } });
    updateSettings(home, (raw) => void (raw.markReadOnOpen = false));
    expect(JSON.parse(fs.readFileSync(home.configPath, 'utf8'))).toEqual({ '// why': 'my notes', feeds: [], theme: { header: 'red' }, markReadOnOpen: false });
  });

  it('refuses a change that would make the file invalid', () => {
    write({ feeds: [] });
    expect(() => updateSettings(home, (raw) => void (raw.feeds = [{ url: 'javascript:alert(1)' }]))).toThrow(SettingsError);
    expect(JSON.parse(fs.readFileSync(home.configPath, 'utf8'))).toEqual({ feeds: [] });
  });
});

describe('normalizeFeedUrl', () => {
  it('keeps URLs and turns paths into file URLs', () => {
    expect(normalizeFeedUrl('https://a.example/feed')).toBe('https://a.example/feed');
    expect(normalizeFeedUrl('feeds/x.rss', '/tmp')).toBe('file:///tmp/feeds/x.rss');
    expect(() => normalizeFeedUrl('exec:rm -rf /')).toThrow(SettingsError);
  });
});
