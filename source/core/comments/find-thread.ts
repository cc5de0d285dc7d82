/**
 * Which thread an article names as its discussion, from its HTML: a pure function of (html, baseUrl), so
 * it applies to the content in the feed now and to the fetched page as well. Found, best first:
 *   1. a Discourse embed: `DiscourseEmbed = { discourseUrl: '…', topicId: 123 }` in an inline script (the
 *      text is read with two regular expressions, never run);
 *   2. a link to a Mastodon, Bluesky, Discourse or Lemmy thread inside an element whose id or class
 *      speaks of comments (`id="comments"`, `class="toot-replies"`);
 *   3. such a link whose own text says comment, reply, discuss or toot ("Comments", "Reply on Mastodon"):
 *      text that starts so, or says so in a short line;
 *   4. such a link in a short line (a block of at most 200 characters and two links) whose words say so
 *      ("Discuss this post on <a>Lemmy</a>.");
 *   5. the page's own comment feed: WordPress's `<link rel="alternate" type="application/rss+xml">`
 *      titled "… Comments Feed" (not the site-wide comments feed), or `?feed=rss2&p=N`.
 * A link that merely cites a post in the text (in a sentence about something else, in a quote or an
 * embedded post) is not the article's discussion. The walk is iterative and every text read is bounded.
 */
import { ElementType, parseDocument } from 'htmlparser2';
import { safeUrl, sanitizeLine } from '../sanitize.js';
import { matchPlatformUrl, type MatchOptions } from './platforms.js';
import type { DiscussionLink } from './types.js';

type Node = ReturnType<typeof parseDocument>['children'][number];
type Element = Extract<Node, { attribs: unknown }>;

const SAYS = /\b(?:comments?|commenting|repl(?:y|ies)|discuss(?:ion|ions)?|toots?|conversation)\b/i;
const COMMENTISH = /comment|discuss|repl(?:y|ies)|toot|conversation/i;
/** The block whose words count as "around" a link. */
const BLOCKS = new Set([
  'p',
  'li',
  'div',
  'section',
  'footer',
  'aside',
  'dd',
  'dt',
  'td',
  'th',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'article',
  'header',
  'figcaption',
  'body',
]);
/** A block longer than this is prose that cites, not a line that points to the discussion. */
const SHORT_BLOCK = 200;
/**
 * Something of a thread URL's shape, an embed or a feed link: most articles are ruled out by this one
 * scan, before any parsing (the finder runs as an article opens).
 */
const HINT =
  /\/@[^/\s"'<>]+\/\d|\/users\/[^/\s"'<>]+\/statuses\/|\/post\/\d+(?![\w/-])|\/t\/(?:[^/\s"'<>]+\/)?\d|\/profile\/[^/\s"'<>]+\/post\/|DiscourseEmbed|rss\+xml/i;

const isElement = (n: Node): n is Element => n.type === ElementType.Tag || n.type === ElementType.Script || n.type === ElementType.Style;

/** An element's text, iteratively, at most `max` characters. */
function textOf(root: Node, max: number): string {
  let out = '';
  const stack: Node[] = [root];
  while (stack.length > 0 && out.length < max) {
    const n = stack.pop()!;
    if (n.type === ElementType.Text) out += n.data;
    else if (isElement(n) && n.name !== 'script' && n.name !== 'style') for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out.slice(0, max);
}

interface Candidate extends DiscussionLink {
  strength: number;
  order: number;
}

/** Link text that starts by naming the discussion: "Comments", "12 comments", "Reply on Mastodon", "Join the conversation". */
const STARTS =
  /^\W*(?:\d+\s+)?(?:(?:view|read|see|leave|add|post|join|write)\s+)?(?:(?:the|a|your)\s+)?(?:comments?|commenting|repl(?:y|ies)|discuss(?:ion)?|toots?|conversation)\b/i;

/** How strongly an `<a>` says it is the discussion: 0 (a citation) to 3 (inside the comments section). */
function linkStrength(a: Element): number {
  let block: Element | null = null;
  let commentish = false;
  let p = a.parent as Element | null;
  for (let depth = 0; p && isElement(p) && depth < 100; depth++, p = p.parent as Element | null) {
    // A quoted or embedded post is cited, whatever surrounds it.
    if (p.name === 'blockquote' || p.name === 'q' || p.name === 'cite') return 0;
    if (!commentish && COMMENTISH.test(`${p.attribs.id ?? ''} ${p.attribs.class ?? ''}`)) commentish = true;
    if (!block && BLOCKS.has(p.name)) block = p;
  }
  if (commentish) return 3;
  const own = sanitizeLine(textOf(a, 200));
  const around = block ? sanitizeLine(textOf(block, SHORT_BLOCK + 1)) : own;
  // A short line about the discussion, not prose: few words and at most two links.
  const short = around.length <= SHORT_BLOCK && (!block || countLinks(block) <= 2);
  if (own.length <= 60 && (STARTS.test(own) || STARTS.test(a.attribs.title ?? '') || (short && SAYS.test(own)))) return 2;
  if (short && SAYS.test(around)) return 1;
  return 0;
}

function countLinks(block: Element): number {
  let n = 0;
  const stack: Node[] = [block];
  for (let seen = 0; stack.length > 0 && seen < 2000 && n < 3; seen++) {
    const x = stack.pop()!;
    if (!isElement(x)) continue;
    if (x.name === 'a') n++;
    for (const c of x.children) stack.push(c);
  }
  return n;
}

function discourseEmbed(script: string): string | null {
  const body = /DiscourseEmbed\s*=\s*\{([\s\S]{0,4000}?)\}/.exec(script)?.[1];
  if (!body) return null;
  const base = /discourseUrl\s*:\s*(['"`])([^'"`\s]{1,500})\1/.exec(body)?.[2];
  const topic = /topicId\s*:\s*(['"`]?)(\d{1,12})\1/.exec(body)?.[2];
  if (!base || !topic) return null;
  return safeUrl(`${base.replace(/\/+$/, '')}/t/${topic}`);
}

/** WordPress's per-post comment feed link, not the site's posts or comments feed. */
function commentFeed(link: Element, baseUrl: string): string | null {
  const rel = (link.attribs.rel ?? '').toLowerCase().split(/\s+/);
  if (!rel.includes('alternate') || !/^application\/(rss|atom)\+xml$/i.test((link.attribs.type ?? '').trim())) return null;
  const url = safeUrl(link.attribs.href ?? '', baseUrl || undefined);
  if (!url) return null;
  const u = new URL(url);
  if (/^rss2?|atom$/.test(u.searchParams.get('feed') ?? '') && /^\d+$/.test(u.searchParams.get('p') ?? '')) return url;
  const titled = /comments feed\s*$/i.test(link.attribs.title ?? '');
  return titled && !/^\/comments\/feed\/?$/.test(u.pathname) && !/[?&]feed=comments-/.test(u.search) ? url : null;
}

function find(html: string, baseUrl: string, options: MatchOptions): DiscussionLink[] {
  const found: Candidate[] = [];
  const doc = parseDocument(html);
  const stack: Node[] = [];
  for (let i = doc.children.length - 1; i >= 0; i--) stack.push(doc.children[i]!);
  let order = 0;
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (!isElement(n)) continue;
    order++;
    if (n.name === 'script') {
      const script = n.children
        .map((c) => (c.type === ElementType.Text ? c.data : ''))
        .join('')
        .slice(0, 100_000);
      const url = discourseEmbed(script);
      if (url) found.push({ source: 'discourse', url: matchPlatformUrl(new URL(url), options)?.pageUrl ?? url, strength: 4, order });
      continue;
    }
    if (n.name === 'link') {
      const url = commentFeed(n, baseUrl);
      if (url) found.push({ source: 'feed', url, strength: 0.5, order });
      continue;
    }
    if (n.name === 'a' && n.attribs.href) {
      const url = safeUrl(n.attribs.href, baseUrl || undefined);
      const ref = url ? matchPlatformUrl(new URL(url), options) : null;
      const strength = ref ? linkStrength(n) : 0;
      if (ref && strength > 0) {
        const title = sanitizeLine(textOf(n, 200)).slice(0, 100);
        found.push({ source: ref.source, url: ref.pageUrl, ...(title ? { title } : {}), strength, order });
      }
    }
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  found.sort((a, b) => b.strength - a.strength || a.order - b.order);
  const seen = new Set<string>();
  const out: DiscussionLink[] = [];
  for (const { strength: _s, order: _o, ...link } of found) {
    if (seen.has(link.url)) continue;
    seen.add(link.url);
    out.push(link);
  }
  return out;
}

/** The same article is resolved several times as it opens (list, pane, cache): remember a few answers. */
const memo = new Map<string, DiscussionLink[]>();

/** The threads an article's HTML names as its discussion, best first (see the module comment). */
export function findThreads(html: string, baseUrl: string, options: MatchOptions = {}): DiscussionLink[] {
  if (typeof html !== 'string' || html === '' || !HINT.test(html)) return [];
  const key = `${baseUrl}\u0000${options.sources?.bluesky?.web ?? ''}\u0000${html}`;
  let links = memo.get(key);
  if (!links) {
    links = find(html, safeUrl(baseUrl) ? baseUrl : '', options);
    if (memo.size >= 16) memo.delete(memo.keys().next().value!);
    memo.set(key, links);
  }
  return links.map((l) => ({ ...l }));
}
