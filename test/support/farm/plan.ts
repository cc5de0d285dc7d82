/**
 * The farm's feeds as data: which format, encoding, kind and quirk each one has, which fault or
 * hostile payload it carries, and the dates of its items. Everything comes from the seed, so a
 * farm started twice with the same options plans the same feeds (only the dates move with the clock).
 */
import { AUTHORS, TOPICS, between, feedName, pick, seeded, type Alphabet } from './text.js';

/** Faults of the server or of the document that a reader must survive, one line each. */
export const FAULT_KINDS = [
  'http-404',
  'http-410',
  'http-500',
  'http-503',
  'hang',
  'stall',
  'slow',
  'redirect-301',
  'redirect-chain',
  'redirect-loop',
  'malformed-truncated',
  'malformed-entity',
  'malformed-nesting',
  'leading-whitespace',
  'bad-utf8',
  'html-page',
  'empty',
  'bad-gzip',
] as const;
/** Payloads aimed at the reader itself: its XML parser, its memory, its terminal, its shell. */
export const HOSTILE_KINDS = ['billion-laughs', 'xxe', 'huge', 'escape-raw', 'escape-encoded', 'shell-meta'] as const;
/**
 * Valid feeds that real servers send and naive readers trip on. RSS only: the ones about guids and
 * dates (Atom requires both). UTF-8 only: a byte order mark and a missing XML declaration.
 */
export const QUIRKS = [
  'no-guid',
  'iso-dates',
  'no-dates',
  'duplicate-guids',
  'double-escaped',
  'bom',
  'no-declaration',
  'relative-links',
  'text-xml',
  'served-as-html',
  'crlf',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];
export type HostileKind = (typeof HOSTILE_KINDS)[number];
export type Affliction = FaultKind | HostileKind;
export type Quirk = (typeof QUIRKS)[number];
const RSS_ONLY: readonly Quirk[] = ['no-guid', 'iso-dates', 'no-dates', 'duplicate-guids', 'double-escaped'];
const UTF8_ONLY: readonly Quirk[] = ['bom', 'no-declaration'];
/** These kinds are built into RSS documents (their payloads sit in RSS elements). */
const RSS_AFFLICTIONS: readonly Affliction[] = ['malformed-truncated', 'malformed-entity', 'malformed-nesting', 'bad-utf8', ...HOSTILE_KINDS];

export interface PlanOptions {
  feeds: number;
  items: number;
  seed: number;
  atomShare: number;
  latin1Share: number;
  podcastShare: number;
  quirks: boolean;
  faults: boolean;
  hostile: boolean;
  /** Feeds per fault or hostile kind. */
  faultsEach: number;
}

export interface PlannedFeed {
  index: number;
  format: 'rss' | 'atom';
  /** Path on the farm, and the full URL. */
  path: string;
  url: string;
  title: string;
  topic: string;
  author: string;
  alphabet: Alphabet;
  /** blog: summary + full content; news: escaped HTML in the description only; xhtml: Atom type="xhtml". */
  kind: 'blog' | 'news' | 'podcast' | 'xhtml';
  quirk: Quirk | null;
  fault: Affliction | null;
  /** The healthy feed a redirect or an HTML page leads to. */
  target: PlannedFeed | null;
  /** Time between two posts, and the date of the newest one at start. */
  everyMs: number;
  anchorMs: number;
  /** Serial of the newest item; churn raises it. Items are `newest - items + 1 .. newest`. */
  newest: number;
  readonly startNewest: number;
  /** Dates of the items churn added, by serial. */
  churned: Map<number, number>;
}

const pad = (n: number) => String(n).padStart(4, '0');
export const feedPath = (index: number, format: 'rss' | 'atom') => `/feed/${pad(index)}.${format}`;
export const sitePath = (index: number) => `/site/${pad(index)}`;

export function planFeeds(o: PlanOptions, base: string, now: number): PlannedFeed[] {
  const feeds: PlannedFeed[] = [];
  for (let index = 0; index < o.feeds; index++) {
    const rng = seeded(o.seed, 'feed', index);
    const format = rng() < o.atomShare ? 'atom' : 'rss';
    const topic = pick(rng, TOPICS);
    let kind: PlannedFeed['kind'] = 'blog';
    let alphabet: Alphabet = 'utf-8';
    if (format === 'rss') {
      const r = rng();
      if (r < o.podcastShare) kind = 'podcast';
      else if (r < o.podcastShare + 0.12) kind = 'news';
      if (rng() < o.latin1Share) alphabet = 'latin-1';
    } else if (rng() < 0.15) kind = 'xhtml';
    let quirk: Quirk | null = o.quirks && rng() < 0.2 ? pick(rng, QUIRKS) : null;
    if (quirk && format === 'atom' && RSS_ONLY.includes(quirk)) quirk = null;
    if (quirk && alphabet !== 'utf-8' && UTF8_ONLY.includes(quirk)) quirk = null;
    feeds.push({
      index,
      format,
      path: feedPath(index, format),
      url: base + feedPath(index, format),
      title: feedName(rng, topic, index),
      topic,
      author: pick(rng, AUTHORS),
      alphabet,
      kind,
      quirk,
      fault: null,
      target: null,
      everyMs: between(rng, 2, 60) * 3_600_000,
      anchorMs: now - Math.floor(rng() * 3_600_000),
      newest: o.items - 1,
      startNewest: o.items - 1,
      churned: new Map(),
    });
  }
  assignAfflictions(o, feeds, base);
  return feeds;
}

/** Give each fault and hostile kind to `faultsEach` feeds, picked by a seeded shuffle; one feed stays healthy. */
function assignAfflictions(o: PlanOptions, feeds: PlannedFeed[], base: string) {
  const kinds: Affliction[] = [...(o.faults ? FAULT_KINDS : []), ...(o.hostile ? HOSTILE_KINDS : [])];
  if (kinds.length === 0) return;
  const rng = seeded(o.seed, 'afflictions');
  const order = feeds.map((f) => f.index);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const wanted = kinds.length * o.faultsEach;
  if (wanted >= feeds.length) throw new Error(`farm: ${feeds.length} feeds cannot hold ${wanted} faulty ones and a healthy one`);
  let next = 0;
  for (let round = 0; round < o.faultsEach; round++) {
    for (const kind of kinds) {
      const feed = feeds[order[next++]!]!;
      feed.fault = kind;
      feed.quirk = null;
      if (RSS_AFFLICTIONS.includes(kind)) {
        feed.format = 'rss';
        feed.path = feedPath(feed.index, 'rss');
        feed.url = base + feed.path;
        if (feed.kind === 'xhtml') feed.kind = 'blog';
      }
      // Bytes that are not UTF-8 need characters outside ASCII: the Latin-1 vocabulary has them.
      if (kind === 'bad-utf8') feed.alphabet = 'latin-1';
      if (kind === 'shell-meta') feed.kind = 'podcast';
    }
  }
  const healthy = feeds.filter((f) => !f.fault);
  for (const f of feeds) if (f.fault) f.target = healthy[f.index % healthy.length]!;
}

/** The date of an item: spaced `everyMs` apart back from the anchor, or when churn added it. */
export function itemDate(feed: PlannedFeed, serial: number): number {
  if (serial > feed.startNewest) return feed.churned.get(serial) ?? feed.anchorMs;
  return feed.anchorMs - (feed.startNewest - serial) * feed.everyMs;
}

/** The serials a feed serves now, newest first. */
export function servedSerials(feed: PlannedFeed, items: number): number[] {
  const serials: number[] = [];
  for (let s = feed.newest; s > feed.newest - items; s--) serials.push(s);
  return serials;
}
