/**
 * Fuzzing (seeded, bounded): the corpus feeds and comment JSON, mutated, through the real pipeline
 * in-process: fetch bytes -> decodeFeedBytes -> runParseJob (decode + parse + normalize + sanitize) ->
 * renderHtml (color false and true) / htmlToPlainText for every article, and the comment-feed reader;
 * comment JSON -> parseJsonBody -> parseHackerNews / parseReddit / parseLobsters -> commentsPlain,
 * toCommentsJson, commentsJsonText and renderHtml of every comment.
 *
 * Asserted for every case: only FeedParseError / DiscussionError escape (no TypeError, RangeError...),
 * no output string holds a C0 control but tab/newline, DEL, a C1 control or a bidi override/isolate
 * (coloured output may hold our own SGR `ESC[…m` only: stripped first, then no ESC may remain), every
 * link is '' or http(s), and single-line fields (titles, authors) hold no newline, tab or zero-width
 * character. RELIABILITY_SEED=N replays a run; failing inputs are written to a temp folder.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeFeedBytes } from '../../source/core/charset.js';
import { renderHtml, htmlToPlainText } from '../../source/core/html.js';
import { FeedParseError } from '../../source/core/parse.js';
import { runParseJob } from '../../source/core/workers/parse-job.js';
import { parseHackerNews } from '../../source/core/comments/hackernews.js';
import { parseReddit } from '../../source/core/comments/reddit.js';
import { parseLobsters } from '../../source/core/comments/lobsters.js';
import { parseJsonBody } from '../../source/core/comments/net.js';
import { linkEntries, readCommentFeedPage } from '../../source/core/comments/feed.js';
import { buildThread, countComments, flattenTree } from '../../source/core/comments/thread.js';
import { DiscussionError, commentsJsonText, commentsPlain, toCommentsJson } from '../../source/core/comments.js';
import type { Discussion } from '../../source/core/comments/types.js';
import { FORBIDDEN_CHARS, ROOT, SGR, prng, seedFrom } from './helpers.js';

const SEED = seedFrom(424242);
/** RELIABILITY_FUZZ_CASES / RELIABILITY_FUZZ_SECONDS widen a run by hand; the defaults keep CI quick. */
const MAX_CASES = Number(process.env.RELIABILITY_FUZZ_CASES) || 400;
const TIME_BOX_MS = (Number(process.env.RELIABILITY_FUZZ_SECONDS) || 60) * 1000;
const MAX_ARTICLES_PER_CASE = 40;

// ------------------------------------------------------------------ seeds

function filesUnder(dir: string, keep: (p: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (keep(p)) out.push(p);
    }
  }
  return out.sort();
}

const FIXTURES = path.join(ROOT, 'test/fixtures');
const isFeedFile = (p: string) => /\.(xml|rss|atom|rdf)$/i.test(p) && !p.includes(`${path.sep}output${path.sep}`);
const FEED_SEEDS = [
  ...filesUnder(path.join(FIXTURES, 'corpus'), isFeedFile),
  ...filesUnder(path.join(FIXTURES, 'encoding'), (p) => !/\.(md|txt|json)$/i.test(p)),
  ...filesUnder(path.join(FIXTURES, 'comments'), isFeedFile),
];
const JSON_SEEDS = filesUnder(path.join(FIXTURES, 'comments'), (p) => p.endsWith('.json'));

type Adapter = 'hackernews' | 'reddit' | 'lobsters';
function adapterFor(file: string): Adapter {
  const name = path.basename(file);
  if (/^lobsters/.test(name)) return 'lobsters';
  if (/^hn|hnpwa/.test(name)) return 'hackernews';
  return 'reddit';
}

// ------------------------------------------------------------------ payloads and mutations

/** Terminal attacks, raw and encoded as the parsers and entity decoders will see them. */
const PAYLOADS = [
  '\x1b[2J\x1b[H',
  '\x1b[31mred',
  '\x1b]0;fuzz-title\x07',
  '\x1b]2;fuzz-title\x1b\\',
  '\x1b]52;c;ZmVlZGZhcm0tb3NjNTItY2FuYXJ5\x07',
  '\x1b]8;;http://127.0.0.1/phish\x1b\\text\x1b]8;;\x1b\\',
  '\x1bP+q544e\x1b\\',
  '\x1b_apc\x1b\\',
  '\x1b^pm\x1b\\',
  '\x1bX sos \x1b\\',
  '\x1bc',
  '\x1b(0',
  '\x1b[',
  '\x1b]',
  '\x1b',
  '\x07',
  '\x00',
  '\x08\x08\x08',
  '\x7f',
  '\r\x1b[K',
  '\u009b2J',
  '\u009d0;t\u009c',
  '\u0085',
  '\u0090q\u009c',
  '\u202e',
  '\u202dLRO',
  '\u2066isolate\u2069',
  '\u200b\u200d\ufeff',
  '&#27;[2J',
  '&#x1b;]0;fuzz-title&#7;',
  '&#x1B;]52;c;ZmVlZGZhcm0tb3NjNTItY2FuYXJ5&#x07;',
  '&#155;31m',
  '&#x9b;2J',
  '&#x9d;0;t&#x9c;',
  '&#x202e;',
  '&#8238;',
  '&#x2066;',
  '&#0;',
  '&#x0;',
  '&#1;',
  '&#127;',
  '&#x85;',
  '&#xd800;',
  '&#x110000;',
  '&#99999999999;',
  '&amp;#27;[2J',
  '&amp;#x1b;]0;x&amp;#7;',
  '&lt;script&gt;\x1b[2J&lt;/script&gt;',
  '<![CDATA[\x1b]0;cdata\x07]]>',
  '<![CDATA[<p>&#27;]52;c;Zm9v&#7;</p>]]>',
  '<a href="javascript:alert(1)">js</a>',
  '<a href="\x1b]8;;x\x07http://a/">l</a>',
  '&#x26;#27;',
  '&#38;#27;[31m',
  // Links a reader must never open or fetch from a remote feed.
  '<link>javascript:alert(1)</link>',
  '<comments>file:///etc/passwd</comments>',
  '<wfw:commentRss xmlns:wfw="http://wellformedweb.org/CommentAPI/">file:///etc/passwd</wfw:commentRss>',
  '<link rel="replies" type="application/atom+xml" href="file:///etc/passwd"/>',
  '<link href="data:text/html,x"/>',
  '<link>http://exa mple.org/\x1b[2J</link>',
  '<link> https://example.org/a b </link>',
];

const LABELS = [
  'utf-8',
  'UTF-16',
  'utf-16le',
  'utf-16be',
  'iso-8859-1',
  'windows-1252',
  'windows-1251',
  'koi8-r',
  'shift_jis',
  'euc-jp',
  'gb2312',
  'gb18030',
  'big5',
  'iso-2022-jp',
  'x-user-defined',
  'replacement',
  'utf-7',
  'bogus-charset',
  '',
  'us-ascii',
  'latin1',
];
const CONTENT_TYPES: Array<string | null> = [
  null,
  'application/rss+xml',
  'application/atom+xml; charset=utf-8',
  'text/xml; charset=iso-8859-1',
  'text/html; charset=windows-1251',
  'application/xml; charset=utf-16',
  'text/xml; charset="bogus"',
  'text/plain',
  'application/json',
];

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

/** Byte offsets just inside text-bearing elements, where a payload reaches titles and bodies. */
function textSpots(text: string): number[] {
  const spots: number[] = [];
  const re = /<(title|name|author|dc:creator|description|summary|content(?::encoded)?|link|guid|id|comments|body_html|comment)\b[^>]*>/gi;
  for (let m = re.exec(text); m && spots.length < 2000; m = re.exec(text)) spots.push(m.index + m[0].length);
  return spots;
}

function insertAt(buf: Buffer, at: number, what: Buffer): Buffer {
  return Buffer.concat([buf.subarray(0, at), what, buf.subarray(at)]);
}

/** One mutation of a feed's bytes; returns the new bytes and a short description. */
function mutateFeed(rng: Rng, buf: Buffer): [Buffer, string] {
  const kind = int(rng, 0, 9);
  switch (kind) {
    case 0: {
      const n = int(rng, 1, 16);
      const out = Buffer.from(buf);
      for (let i = 0; i < n && out.length; i++) {
        const at = int(rng, 0, out.length - 1);
        out[at] = out[at]! ^ (1 << int(rng, 0, 7));
      }
      return [out, `flip ${n} bits`];
    }
    case 1: {
      const at = int(rng, 0, buf.length);
      return [buf.subarray(0, at), `truncate at ${at}`];
    }
    case 2:
    case 3: {
      // A payload inside a text element (most of the time) or anywhere.
      const text = buf.toString('latin1');
      const spots = textSpots(text);
      const at = spots.length && rng() < 0.85 ? pick(rng, spots) : int(rng, 0, buf.length);
      const payload = pick(rng, PAYLOADS);
      const bytes = rng() < 0.15 ? Buffer.from(payload, 'latin1') /* raw 8-bit C1 bytes */ : Buffer.from(payload, 'utf8');
      return [insertAt(buf, at, bytes), `insert ${JSON.stringify(payload)} at ${at}`];
    }
    case 4: {
      // Duplicate an element (an item, an entry, a title) in place.
      const text = buf.toString('latin1');
      const starts = [...text.matchAll(/<(item|entry|title|link|content|description)\b/gi)].map((m) => [m.index!, m[1]!] as const);
      if (!starts.length) return [Buffer.concat([buf, buf.subarray(0, int(rng, 0, Math.min(buf.length, 4096)))]), 'append a prefix'];
      const [at, tag] = pick(rng, starts);
      const close = text.indexOf(`</${tag}>`, at);
      const end = close < 0 ? Math.min(text.length, at + int(rng, 1, 2000)) : close + tag.length + 3;
      const times = int(rng, 1, 20);
      const piece = buf.subarray(at, end);
      return [Buffer.concat([buf.subarray(0, end), ...Array<Buffer>(times).fill(piece), buf.subarray(end)]), `duplicate <${tag}> x${times}`];
    }
    case 5: {
      // A small entity bomb (and an external entity) in an internal DTD subset, referenced from a title.
      const levels = int(rng, 1, 4);
      let dtd = '<!DOCTYPE x [\n<!ENTITY b0 "ha">\n';
      for (let i = 1; i <= levels; i++) dtd += `<!ENTITY b${i} "${`&b${i - 1};`.repeat(10)}">\n`;
      dtd += '<!ENTITY ext SYSTEM "file:///etc/passwd">\n<!ENTITY esc "&#27;]0;entity&#7;">\n]>\n';
      let text = buf.toString('utf8');
      const decl = /^\s*(\ufeff)?<\?xml[^>]*\?>/.exec(text);
      text = decl ? text.slice(0, decl[0].length) + '\n' + dtd + text.slice(decl[0].length) : dtd + text;
      text = text.replace(/<title>/i, `<title>&b${levels};&ext;&esc;`);
      return [Buffer.from(text, 'utf8'), `entity bomb ${levels} levels`];
    }
    case 6: {
      // Swap (or add) the XML declaration's encoding label.
      const label = pick(rng, LABELS);
      const text = buf.toString('latin1');
      const replaced = /encoding=["'][^"']*["']/.test(text)
        ? text.replace(/encoding=["'][^"']*["']/, `encoding="${label}"`)
        : `<?xml version="1.0" encoding="${label}"?>` + text.replace(/^\s*<\?xml[^>]*\?>/, '');
      return [Buffer.from(replaced, 'latin1'), `encoding label ${JSON.stringify(label)}`];
    }
    case 7: {
      // A BOM, possibly the wrong one.
      const boms = [Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff]), Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf])];
      const bom = pick(rng, boms);
      return [Buffer.concat([bom, buf]), `BOM ${bom.toString('hex')}`];
    }
    case 8: {
      // Deep HTML nesting inside a body.
      const depth = int(rng, 100, 3000);
      const tag = pick(rng, ['div', 'blockquote', 'ul><li', 'b', 'table><tr><td']);
      const html = `<![CDATA[${`<${tag}>`.repeat(depth)}deep &#27;[2J${'</x>'.repeat(10)}]]>`;
      const text = buf.toString('latin1');
      const spots = textSpots(text);
      const at = spots.length ? pick(rng, spots) : int(rng, 0, buf.length);
      return [insertAt(buf, at, Buffer.from(html, 'latin1')), `nest <${tag}> x${depth}`];
    }
    default: {
      // Splice: a random slice of the feed repeated at a random place.
      const from = int(rng, 0, buf.length);
      const len = int(rng, 1, 512);
      const at = int(rng, 0, buf.length);
      return [insertAt(buf, at, buf.subarray(from, from + len)), `splice ${len} bytes at ${at}`];
    }
  }
}

/** Walk a JSON value and mutate strings, types and shapes in place (bounded). */
function mutateJson(rng: Rng, root: unknown, rate: number): number {
  let changes = 0;
  const stack: unknown[] = [root];
  let visited = 0;
  while (stack.length && visited < 200_000) {
    const v = stack.pop();
    visited++;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (rng() < rate / 4) {
          v[i] = pick(rng, [null, 0, '', 'x', [], {}, true, -1, 1e308] as unknown[]);
          changes++;
        } else stack.push(v[i]);
      }
      if (rng() < rate / 4 && v.length) {
        v.push(...v.slice(0, int(rng, 1, 3)));
        changes++;
      }
    } else if (v && typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      for (const key of Object.keys(obj)) {
        const r = rng();
        const value = obj[key];
        if (typeof value === 'string' && r < rate * 3) {
          const payload = pick(rng, PAYLOADS);
          const at = int(rng, 0, value.length);
          obj[key] = value.slice(0, at) + payload + value.slice(at);
          changes++;
        } else if (r < rate * 3 + rate / 2) {
          obj[key] = pick(rng, [null, 0, -5, 3.5, '', 'NaN', '\x1b]0;t\x07', [], {}, true, 'not-a-date', 1e20, '9'.repeat(40)] as unknown[]);
          changes++;
        } else if (r < rate * 4) {
          delete obj[key];
          changes++;
        } else stack.push(value);
      }
    }
  }
  return changes;
}

// ------------------------------------------------------------------ output checks

const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/;
const LINK = /^https?:\/\/[\x21-\x7e]+$/;

interface Finding {
  kind: string;
  detail: string;
}

class Checker {
  findings: Finding[] = [];
  strings = 0;
  text(where: string, s: unknown, opts: { sgr?: boolean; single?: boolean } = {}) {
    if (s === null || s === undefined) return;
    if (typeof s !== 'string') return this.add('type', `${where} is ${typeof s}`);
    this.strings++;
    let v = s;
    if (opts.sgr) v = v.replace(SGR, '');
    const bad = FORBIDDEN_CHARS.exec(v);
    if (bad)
      return this.add(
        'control',
        `${where}: U+${bad[0].codePointAt(0)!.toString(16).padStart(4, '0')} in ${JSON.stringify(v.slice(Math.max(0, bad.index - 30), bad.index + 30))}`,
      );
    if (opts.single && /[\n\t]/.test(v)) return this.add('single-line', `${where}: newline/tab in ${JSON.stringify(v.slice(0, 80))}`);
    if (opts.single && ZERO_WIDTH.test(v)) return this.add('zero-width', `${where}: zero-width character in ${JSON.stringify(v.slice(0, 80))}`);
  }
  /** '' or an http(s) URL; `fileFolder`: a file: URL inside this folder is allowed too (a local feed's own comment feed). */
  link(where: string, s: unknown, fileFolder?: string) {
    if (s === '' || s === null || s === undefined) return;
    if (typeof s === 'string' && fileFolder && s.startsWith(fileFolder) && !/[\x00-\x20\x7f-\x9f]/.test(s)) return;
    if (typeof s !== 'string' || !LINK.test(s)) this.add('link', `${where}: not an http(s) URL: ${JSON.stringify(s)}`);
  }
  add(kind: string, detail: string) {
    this.findings.push({ kind, detail });
  }
}

function renderBoth(c: Checker, where: string, html: string, width: number, baseUrl?: string) {
  const plain = renderHtml(html, { width, color: false, baseUrl });
  plain.lines.forEach((l, i) => c.text(`${where} render[${i}]`, l));
  plain.links.forEach((l, i) => c.link(`${where} link[${i}]`, l));
  const coloured = renderHtml(html, { width, color: true, baseUrl });
  coloured.lines.forEach((l, i) => c.text(`${where} color render[${i}]`, l, { sgr: true }));
  c.text(`${where} plain text`, htmlToPlainText(html));
}

function checkDiscussion(c: Checker, d: Omit<Discussion, 'fetchedAt'>, width: number) {
  const full: Discussion = { ...d, fetchedAt: Date.now() };
  c.text('discussion title', full.title, { single: true });
  c.link('discussion url', full.url);
  let n = 0;
  for (const { comment } of flattenTree(full.comments)) {
    if (n++ >= 400) break;
    c.text(`comment ${n} author`, comment.author, { single: true });
    c.link(`comment ${n} permalink`, comment.permalink);
    if (n <= 60) renderBoth(c, `comment ${n}`, comment.html, width, comment.permalink || undefined);
  }
  for (const line of commentsPlain(full, width)) c.text('commentsPlain', line);
  // The `comments --json` output: every string in it, named by its key.
  for (const [name, json] of [
    ['toCommentsJson', toCommentsJson(full)],
    ['commentsJsonText', JSON.parse(commentsJsonText(full))],
  ] as const) {
    const stack: Array<[string, unknown]> = [[name, json]];
    let visited = 0;
    while (stack.length && visited++ < 100_000) {
      const [where, v] = stack.pop()!;
      if (typeof v === 'string') c.text(where, v);
      else if (Array.isArray(v)) for (const x of v) stack.push([where, x]);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) stack.push([k === 'children' || k === 'comments' ? where.split(' ')[0]! : `${name} .${k}`, x]);
    }
  }
}

// ------------------------------------------------------------------ the run

const failDir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-fuzz-'));
let keptFailures = 0;

afterAll(() => {
  if (keptFailures === 0) fs.rmSync(failDir, { recursive: true, force: true });
});

describe('fuzz: mutated feeds and comment JSON through decode, parse, sanitize and render', () => {
  it(`seeded (${SEED}), up to ${MAX_CASES} cases in ${TIME_BOX_MS / 1000} s: only FeedParseError/DiscussionError, no control character survives`, async () => {
    expect(FEED_SEEDS.length, 'feed seeds').toBeGreaterThan(10);
    expect(JSON_SEEDS.length, 'comment JSON seeds').toBeGreaterThan(2);
    const rng = prng(SEED);
    const feedCache = new Map<string, Buffer>();
    const jsonCache = new Map<string, string>();
    const started = Date.now();
    /** Failures grouped by what failed where (numbers stripped), with a few examples each. */
    const problems = new Map<string, { count: number; examples: string[] }>();
    let failingCases = 0;
    const stats = {
      cases: 0,
      feedCases: 0,
      jsonCases: 0,
      parsed: 0,
      feedParseErrors: 0,
      discussionErrors: 0,
      articles: 0,
      comments: 0,
      strings: 0,
      slowestMs: 0,
      slowest: '',
    };

    for (let i = 0; i < MAX_CASES && Date.now() - started < TIME_BOX_MS; i++) {
      const caseStarted = Date.now();
      const isJson = rng() < 0.3;
      const seedFile = isJson ? pick(rng, JSON_SEEDS) : pick(rng, FEED_SEEDS);
      const steps: string[] = [];
      const c = new Checker();
      const width = int(rng, 8, 140);
      let input: Buffer;
      let unexpected: unknown;
      try {
        if (!isJson) {
          stats.feedCases++;
          if (!feedCache.has(seedFile)) feedCache.set(seedFile, fs.readFileSync(seedFile));
          input = feedCache.get(seedFile)!;
          const n = int(rng, 1, 3);
          for (let k = 0; k < n; k++) {
            const [next, what] = mutateFeed(rng, input);
            input = next;
            steps.push(what);
          }
          const contentType = pick(rng, CONTENT_TYPES);
          const url = pick(rng, ['https://example.org/feed/', 'http://127.0.0.1:1/f.xml', 'file:///tmp/feed.xml', 'not a url']);
          steps.push(`content-type ${JSON.stringify(contentType)}, url ${url}`);
          try {
            decodeFeedBytes(input, contentType);
            const { feed } = await runParseJob({ bytes: input, contentType, url });
            stats.parsed++;
            c.text('feed title', feed.title, { single: true });
            c.link('feed link', feed.link);
            for (const a of feed.articles.slice(0, MAX_ARTICLES_PER_CASE)) {
              stats.articles++;
              c.text('article title', a.title, { single: true });
              c.text('article author', a.author, { single: true });
              c.text('article id', a.id);
              c.link('article link', a.link);
              c.link('article commentsUrl', a.commentsUrl);
              // A local (file:) feed may point at a comment feed in its own folder; a remote one only at http(s).
              c.link('article commentFeedUrl', a.commentFeedUrl, url.startsWith('file:') ? url.slice(0, url.lastIndexOf('/') + 1) : undefined);
              renderBoth(c, 'article', a.html, width, a.link || undefined);
            }
          } catch (error) {
            if (error instanceof FeedParseError) {
              stats.feedParseErrors++;
              c.text('FeedParseError message', error.message);
            } else throw error;
          }
          // The same bytes as a comment feed (RSS/Atom comments).
          try {
            const page = readCommentFeedPage(decodeFeedBytes(input, contentType), url);
            const comments = buildThread(linkEntries(page.entries));
            stats.comments += countComments(comments);
            checkDiscussion(c, { source: 'feed', url: page.link, title: page.title, total: countComments(comments), comments }, width);
            c.link('comment feed next', page.next);
          } catch (error) {
            if (error instanceof DiscussionError) {
              stats.discussionErrors++;
              c.text('DiscussionError message', error.message);
            } else throw error;
          }
        } else {
          stats.jsonCases++;
          if (!jsonCache.has(seedFile)) jsonCache.set(seedFile, fs.readFileSync(seedFile, 'utf8'));
          const original = jsonCache.get(seedFile)!;
          let text: string;
          if (rng() < 0.7) {
            const value = JSON.parse(original);
            const rate = pick(rng, [0.002, 0.01, 0.05, 0.2]);
            const changes = mutateJson(rng, value, rate);
            text = JSON.stringify(value);
            steps.push(`json mutate rate ${rate} (${changes} changes)`);
          } else {
            text = original;
          }
          input = Buffer.from(text, 'utf8');
          if (rng() < 0.4) {
            const [next, what] = mutateFeed(rng, input);
            input = next;
            steps.push(`bytes: ${what}`);
          }
          const adapter = rng() < 0.15 ? pick(rng, ['hackernews', 'reddit', 'lobsters'] as const) : adapterFor(seedFile);
          steps.push(`adapter ${adapter}`);
          const url = 'https://example.org/discussion';
          try {
            const json = parseJsonBody(input, url);
            const d =
              adapter === 'hackernews'
                ? parseHackerNews(json, '9000', url)
                : adapter === 'reddit'
                  ? parseReddit(json, 'abc', url)
                  : parseLobsters(json, 'xyz', url);
            stats.comments += countComments(d.comments);
            checkDiscussion(c, d, width);
          } catch (error) {
            if (error instanceof DiscussionError) {
              stats.discussionErrors++;
              c.text('DiscussionError message', error.message);
            } else throw error;
          }
        }
      } catch (error) {
        unexpected = error;
        input ??= Buffer.alloc(0);
      }
      stats.cases++;
      stats.strings += c.strings;
      const ms = Date.now() - caseStarted;
      if (ms > stats.slowestMs) {
        stats.slowestMs = ms;
        stats.slowest = `case ${i} ${path.relative(ROOT, seedFile)} [${steps.join('; ')}]`;
      }
      if (unexpected !== undefined || c.findings.length) {
        const e = unexpected as Error | undefined;
        const file = path.join(failDir, `case-${i}${isJson ? '.json' : '.xml'}`);
        fs.writeFileSync(file, input!);
        keptFailures++;
        failingCases++;
        const found = e
          ? [
              {
                key: `exception ${e?.constructor?.name ?? typeof e}: ${String(e?.message ?? e)
                  .split('\n')[0]!
                  .slice(0, 80)}`,
                what: `${String(e?.stack ?? e)
                  .split('\n')
                  .slice(0, 3)
                  .join(' ')
                  .trim()}`,
              },
            ]
          : c.findings.map((f) => ({ key: `${f.kind}: ${f.detail.split(':')[0]!.replace(/\d+/g, 'N')}`, what: f.detail }));
        for (const { key, what } of found) {
          const entry = problems.get(key) ?? { count: 0, examples: [] };
          entry.count++;
          if (entry.examples.length < 2 && !entry.examples.some((x) => x.startsWith(`case ${i} `))) {
            entry.examples.push(`case ${i} ${path.relative(ROOT, seedFile)} [${steps.join('; ')}] -> ${what.slice(0, 300)} (input: ${file})`);
          }
          problems.set(key, entry);
        }
      }
    }
    console.log(
      `[reliability] fuzz: seed ${SEED}; ${stats.cases} cases (${stats.feedCases} feed, ${stats.jsonCases} comment JSON) in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `${stats.parsed} feeds parsed, ${stats.feedParseErrors} FeedParseError, ${stats.discussionErrors} DiscussionError; ` +
        `${stats.articles} articles and ${stats.comments} comments rendered, ${stats.strings} output strings checked; ` +
        `slowest case ${stats.slowestMs} ms (${stats.slowest}); ${failingCases} failing cases`,
    );
    const report = [...problems].map(([key, { count, examples }]) => `${key} (${count}x, seed ${SEED})\n    ${examples.join('\n    ')}`);
    if (report.length) console.log(`[reliability] fuzz failures by kind:\n  ${report.join('\n  ')}`);
    expect(stats.cases).toBeGreaterThanOrEqual(100);
    expect([...problems.keys()], report.join('\n')).toEqual([]);
  }, 150_000);
});
