/**
 * Settings: a conf-backed JSON file, validated by a JSON Schema, in $BROADSHEET_HOME (or --home),
 * else in the platform's config folder.
 *
 * Two promises this module keeps, because a settings file is the user's own work:
 * - Reading never writes. conf rewrites the file merged with its `defaults` on construction, so
 *   defaults are kept out of conf entirely and merged here, in memory.
 * - A file that cannot be read or does not validate is never rewritten: every write goes through
 *   `updateSettings`, which re-reads and re-validates the file first and refuses to touch a broken one.
 *   conf writes atomically (write to a temporary file, then rename).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Conf from 'conf';
import envPaths from 'env-paths';
import { separateUrlCredentials, type FeedAuth, type UrlCredentials } from './feed-auth.js';
import { namesProblem } from './settings-names.js';
import { FILTER_SCHEMA, filtersProblem, type FilterSpec } from './filter-specs.js';

export interface FeedSetting {
  url: string;
  title?: string;
  tags?: string[];
  /** Fetch the web pages of this feed's new articles after each refresh, to read them whole offline. */
  fullText?: boolean;
  /** false: never ask the discussion services about this feed's articles. */
  lookup?: boolean;
  /** HTTP Basic authentication: the user, and a command that prints the password (core/feed-auth.ts). */
  auth?: FeedAuth;
  /**
   * Not a key of the file: a user and password found in `url` when the settings were read. `url` is
   * then the URL without them, as the cache and every message name the feed.
   */
  urlCredentials?: UrlCredentials;
  /** This feed's own retention, over the top-level `keep` (either number alone). */
  keep?: Partial<KeepSetting>;
  /** This feed's background reload interval, minutes (0: never); overrides the global one and the feed's own <ttl>. */
  reloadMinutes?: number;
}

/**
 * How long read, unstarred articles stay in the cache (core/retention.ts): one is removed once it is
 * older than `days` or beyond the newest `perFeed` articles of its feed. Unread and starred stay.
 */
export interface KeepSetting {
  days: number;
  perFeed: number;
}

/** The services a lookup may ask (discussions/services/index.ts; test/settings.test.ts keeps them in step). */
export const LOOKUP_SERVICES = ['hackernews', 'reddit', 'lobsters'] as const;

export interface Settings {
  feeds: FeedSetting[];
  fetch: { concurrency: number; perHost: number; timeoutSeconds: number; maxBytes: number; pageMaxBytes: number };
  refreshOnStart: boolean;
  /** Reload feeds in the background while the reader runs, every so many minutes (fractions allowed); 0: never. */
  reloadMinutes: number;
  markReadOnOpen: boolean;
  /** The reader takes the mouse: the wheel scrolls the pane under the pointer, a click selects a row. */
  mouse: boolean;
  keys: Record<string, string[]>;
  theme: Record<string, string>;
  sources: {
    hackernews: { api: string };
    reddit: { base: string };
    lobsters: { base: string };
    /** The AppView answering getPostThread, and the web host whose post URLs name Bluesky threads. */
    bluesky: { api: string; web: string };
  };
  /** Which services are asked where an article was submitted; [] turns lookups off. */
  discussions: { lookup: Array<(typeof LOOKUP_SERVICES)[number]> };
  /** Applied to new articles as a refresh stores them (filters.ts). */
  filters: FilterSpec[];
  /** Saved searches: listed in the sidebar beside Unread and Starred, each a list of its matches. */
  views: SavedSearch[];
  /** A sync server whose subscriptions replace `feeds` (core/sync.ts); null: the feeds are fetched directly. */
  sync: SyncSetting | null;
  keep: KeepSetting;
}

export interface SavedSearch {
  name: string;
  /** A search as `/` takes it: words, "phrases". */
  query: string;
}

export interface SyncSetting {
  type: 'ttrss';
  /** The server's base URL (its API is at `${url}api/`). */
  url: string;
  user: string;
  /** Prints the password on stdout; split into words and run without a shell, when a password is needed. */
  passwordCommand: string;
}

export const DEFAULTS: Omit<Settings, 'feeds'> = {
  fetch: { concurrency: 8, perHost: 4, timeoutSeconds: 20, maxBytes: 32 * 1024 * 1024, pageMaxBytes: 5 * 1024 * 1024 },
  refreshOnStart: true,
  // A reader left open all day should stay current; an hour, with conditional GETs, is polite to servers.
  reloadMinutes: 60,
  markReadOnOpen: true,
  mouse: true,
  keys: {},
  theme: {},
  sources: {
    hackernews: { api: 'https://hn.algolia.com/api/v1' },
    reddit: { base: 'https://www.reddit.com' },
    lobsters: { base: 'https://lobste.rs' },
    bluesky: { api: 'https://public.api.bsky.app', web: 'https://bsky.app' },
  },
  discussions: { lookup: [...LOOKUP_SERVICES] },
  filters: [],
  views: [],
  sync: null,
  // Three months of what was read, and at most 500 articles of a fire-hose feed (more than 5 a day).
  keep: { days: 90, perFeed: 500 },
};

/** A settings problem the user must fix: printed as one line, exit code 2. */
export class SettingsError extends Error {}

const httpUrl = { type: 'string', pattern: '^https?://[^\\s/$.?#][^\\s]*$' } as const;
/** Minutes, fractions allowed (0.05 is three seconds, for tests); at most a week. */
const RELOAD_MINUTES = { type: 'number', minimum: 0, maximum: 10_080 } as const;
const strictObject = (properties: Record<string, unknown>) => ({ type: 'object', additionalProperties: false, properties }) as const;
const keepSchema = strictObject({
  days: { type: 'integer', minimum: 1, maximum: 36500 },
  perFeed: { type: 'integer', minimum: 1, maximum: 1000000 },
});

/**
 * Unknown keys are errors, so that a typo ("refreshOnstart") is caught instead of silently
 * ignored; keys starting with "$" or "//" are allowed as comments and kept on every write.
 */
export const SCHEMA = {
  feeds: {
    type: 'array',
    items: {
      type: 'object',
      required: ['url'],
      additionalProperties: false,
      properties: {
        // A feed may be a local file path or a file:// URL, as the bundled demo feeds are.
        url: { type: 'string', minLength: 1, pattern: '^(https?://[^\\s/$.?#][^\\s]*|file://\\S+|[/.~]\\S*)$' },
        title: { type: 'string' },
        tags: { type: 'array', items: { type: 'string', minLength: 1 } },
        fullText: { type: 'boolean' },
        lookup: { type: 'boolean' },
        auth: {
          type: 'object',
          required: ['user', 'passwordCommand'],
          additionalProperties: false,
          properties: { user: { type: 'string', minLength: 1 }, passwordCommand: { type: 'string', minLength: 1 } },
        },
        keep: keepSchema,
        reloadMinutes: RELOAD_MINUTES,
      },
    },
  },
  fetch: strictObject({
    concurrency: { type: 'integer', minimum: 1, maximum: 64 },
    perHost: { type: 'integer', minimum: 1, maximum: 64 },
    timeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 600 },
    maxBytes: { type: 'integer', minimum: 1024 },
    pageMaxBytes: { type: 'integer', minimum: 1024 },
  }),
  refreshOnStart: { type: 'boolean' },
  reloadMinutes: RELOAD_MINUTES,
  markReadOnOpen: { type: 'boolean' },
  mouse: { type: 'boolean' },
  keys: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string', minLength: 1 } } },
  theme: { type: 'object', additionalProperties: { type: 'string' } },
  sources: strictObject({
    hackernews: strictObject({ api: httpUrl }),
    reddit: strictObject({ base: httpUrl }),
    lobsters: strictObject({ base: httpUrl }),
    bluesky: strictObject({ api: httpUrl, web: httpUrl }),
  }),
  discussions: strictObject({
    lookup: { type: 'array', uniqueItems: true, items: { enum: [...LOOKUP_SERVICES] } },
  }),
  filters: FILTER_SCHEMA,
  views: {
    type: 'array',
    items: { ...strictObject({ name: { type: 'string', minLength: 1 }, query: { type: 'string', pattern: '[\\p{L}\\p{N}]' } }), required: ['name', 'query'] },
  },
  sync: {
    ...strictObject({
      type: { enum: ['ttrss'] },
      url: httpUrl,
      user: { type: 'string', minLength: 1 },
      passwordCommand: { type: 'string', minLength: 1 },
    }),
    required: ['type', 'url', 'user', 'passwordCommand'],
  },
  keep: keepSchema,
};

export const ROOT_SCHEMA = { additionalProperties: false, patternProperties: { '^(\\$|//)': {} } };

export interface Home {
  dir: string;
  configPath: string;
  cachePath: string;
}

/** `--home DIR`, else $BROADSHEET_HOME, else the platform folders (config and data may differ). */
export function resolveHome(flag?: string, env: NodeJS.ProcessEnv = process.env): Home {
  const chosen = flag ?? env.BROADSHEET_HOME;
  if (chosen) {
    const dir = path.resolve(chosen);
    return { dir, configPath: path.join(dir, 'config.json'), cachePath: path.join(dir, 'cache.db') };
  }
  const paths = envPaths('broadsheet', { suffix: '' });
  return { dir: paths.config, configPath: path.join(paths.config, 'config.json'), cachePath: path.join(paths.data, 'cache.db') };
}

/** The bundled demo feeds, used while there is no settings file. */
export function demoFeeds(): FeedSetting[] {
  const dir = path.join(packageRoot(), 'feeds');
  const files = [
    ['broadsheet-blog.rss', 'demo'],
    ['field-notes.atom', 'demo'],
    ['hacker-digest.rss', 'demo'],
  ] as const;
  return files.map(([file, tag]) => ({ url: pathToFileURL(path.join(dir, file)).href, tags: [tag] })).filter((feed) => fs.existsSync(fileURLToPath(feed.url)));
}

/** The folder holding package.json and feeds/, from source (tests) or from the bundle. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'feeds'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the broadsheet package folder');
}

export interface LoadedSettings {
  settings: Settings;
  /** True when no settings file exists and the bundled demo feeds stand in. */
  demo: boolean;
  home: Home;
}

function openStore(home: Home): Conf<Record<string, unknown>> {
  return new Conf<Record<string, unknown>>({
    projectName: 'broadsheet',
    cwd: path.dirname(home.configPath),
    configName: path.basename(home.configPath, '.json'),
    schema: SCHEMA as never,
    rootSchema: ROOT_SCHEMA as never,
    // ajv's useDefaults would mutate what we read; defaults live in DEFAULTS instead. Checking our own
    // schema against JSON Schema's meta-schema at every start cost 30 of every command's first 500 ms:
    // test/settings.test.ts checks it once (as conf does by default), and the generated validator,
    // run once per start, is not worth optimizing.
    ajvOptions: { useDefaults: false, allErrors: true, validateSchema: false, code: { optimize: false } },
    clearInvalidConfig: false,
  });
}

/** Turn conf's and Node's errors into one line naming the file and, where known, the key. */
function describe(error: unknown, file: string): SettingsError {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return new SettingsError(`${file}: permission denied`);
  if (e?.code === 'EISDIR') return new SettingsError(`${file}: is a folder, not a file`);
  if (e?.code === 'EROFS') return new SettingsError(`${file}: read-only file system`);
  if (e?.name === 'SyntaxError') return new SettingsError(`${file}: not valid JSON (${firstLine(e.message)})`);
  const message = String(e?.message ?? e);
  const violation = /^Config schema violation: (.*)$/s.exec(message);
  if (violation) {
    const first = (violation[1] ?? '').split('; ')[0] ?? '';
    const m = /^`([^`]*)` (.*)$/.exec(first);
    const key = (m?.[1] ?? '').split('/').filter(Boolean).join('.');
    const why = (m?.[2] ?? first).replace('must NOT have additional properties', 'has an unknown key');
    if (why === 'has an unknown key') return new SettingsError(`${file}: ${key ? key + ' ' : ''}has an unknown key (${unknownKey(file, key)})`);
    if (why.startsWith('must match pattern') && /url|api|base/i.test(key)) return new SettingsError(`${file}: ${key} is not a valid URL`);
    return new SettingsError(`${file}: ${key || 'settings'} ${why}`);
  }
  return new SettingsError(`${file}: ${firstLine(message)}`);
}

const firstLine = (s: string) => s.split('\n')[0]!.slice(0, 200);

/** ajv does not name the extra key in its message; find it ourselves for a useful error. */
function unknownKey(file: string, keyPath: string): string {
  try {
    let node: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const part of keyPath.split('.').filter(Boolean)) node = (node as Record<string, unknown>)[part];
    const known = keyPath === '' ? Object.keys(SCHEMA) : knownKeysAt(keyPath);
    const extra = Object.keys(node as object).filter((k) => !known.includes(k) && !/^(\$|\/\/)/.test(k));
    return extra.map((k) => JSON.stringify(k)).join(', ') || 'unknown';
  } catch {
    return 'unknown';
  }
}

function knownKeysAt(keyPath: string): string[] {
  // biome-ignore lint/suspicious/noExplicitAny: a walk through the JSON Schema literal, whatever shape each level has
  let node: any = { properties: SCHEMA };
  for (const part of keyPath.split('.')) {
    node = /^\d+$/.test(part) ? node?.items : node?.properties?.[part];
  }
  return Object.keys(node?.properties ?? {});
}

function readRaw(home: Home): Record<string, unknown> | null {
  if (!fs.existsSync(home.configPath)) return null;
  let raw: Record<string, unknown>;
  try {
    // Check we may read it before conf does: conf would create the folder and say less.
    fs.accessSync(home.configPath, fs.constants.R_OK);
    raw = { ...openStore(home).store };
  } catch (error) {
    throw describe(error, home.configPath);
  }
  // The schema allows any name under `keys` and `theme`; only the reader's own names are settings.
  // Likewise any string as a filter's expression: each must compile, here, not in a refresh's worker.
  const problem = namesProblem(raw) ?? filtersProblem((raw.filters as FilterSpec[] | undefined) ?? []);
  if (problem) throw new SettingsError(`${home.configPath}: ${problem}`);
  return raw;
}

function merge(raw: Record<string, unknown>): Settings {
  const r = raw as Partial<Settings>;
  return {
    feeds: (r.feeds ?? []).map(separateUrlCredentials),
    fetch: { ...DEFAULTS.fetch, ...r.fetch },
    refreshOnStart: r.refreshOnStart ?? DEFAULTS.refreshOnStart,
    reloadMinutes: r.reloadMinutes ?? DEFAULTS.reloadMinutes,
    markReadOnOpen: r.markReadOnOpen ?? DEFAULTS.markReadOnOpen,
    mouse: r.mouse ?? DEFAULTS.mouse,
    keys: { ...DEFAULTS.keys, ...r.keys },
    theme: { ...DEFAULTS.theme, ...r.theme },
    sources: {
      hackernews: { ...DEFAULTS.sources.hackernews, ...r.sources?.hackernews },
      reddit: { ...DEFAULTS.sources.reddit, ...r.sources?.reddit },
      lobsters: { ...DEFAULTS.sources.lobsters, ...r.sources?.lobsters },
      bluesky: { ...DEFAULTS.sources.bluesky, ...r.sources?.bluesky },
    },
    discussions: { lookup: [...(r.discussions?.lookup ?? DEFAULTS.discussions.lookup)] },
    filters: r.filters ?? DEFAULTS.filters,
    views: (r.views ?? DEFAULTS.views).map((v) => ({ name: v.name, query: v.query })),
    sync: r.sync ? { ...r.sync } : null,
    keep: { ...DEFAULTS.keep, ...r.keep },
  };
}

/** Read and validate the settings. Never writes. Throws SettingsError. */
export function loadSettings(home: Home): LoadedSettings {
  const raw = readRaw(home);
  if (raw === null) return { settings: { ...merge({}), feeds: demoFeeds() }, demo: true, home };
  return { settings: merge(raw), demo: false, home };
}

/**
 * Change the settings file: re-read it (refusing a broken one), apply `change` to the raw object
 * so unknown-but-allowed keys survive, validate, and write atomically.
 */
export function updateSettings(home: Home, change: (raw: Record<string, unknown>) => void): Settings {
  try {
    fs.mkdirSync(path.dirname(home.configPath), { recursive: true });
  } catch (error) {
    throw describe(error, home.configPath);
  }
  // Read, change and write under a lock: eight `add`s at once must keep all eight feeds.
  return withLock(home.configPath, () => {
    const raw = readRaw(home) ?? {};
    change(raw);
    try {
      openStore(home).store = raw;
    } catch (error) {
      throw describe(error, home.configPath);
    }
    return merge(raw);
  });
}

const LOCK_WAIT_MS = 5000;
/** A lock older than this was left by a process that died mid-write (writes take milliseconds). */
const LOCK_STALE_MS = 10_000;

function withLock<T>(file: string, work: () => T): T {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw describe(error, file);
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > LOCK_STALE_MS) fs.rmSync(lock, { force: true });
      } catch {
        // Gone already: try again.
      }
      if (Date.now() > deadline) throw new SettingsError(`${file}: another Broadsheet is changing it (if none is, remove ${lock})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

export const NOT_A_FEED_LOCATION = 'only http(s) URLs and local files can be feeds';

/** Normalize a feed location the way it is stored: URLs as given, local paths made absolute file:// URLs. */
export function normalizeFeedUrl(input: string, cwd = process.cwd()): string {
  const trimmed = input.trim();
  if (/^(https?|file):\/\//i.test(trimmed)) return trimmed;
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) throw new SettingsError(`${trimmed}: ${NOT_A_FEED_LOCATION}`);
  return pathToFileURL(path.resolve(cwd, trimmed)).href;
}
