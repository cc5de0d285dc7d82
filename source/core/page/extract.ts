/**
 * The article in a web page: @mozilla/readability (Firefox's Reader View) on a linkedom DOM.
 *
 * Why linkedom and not jsdom, measured on the 131 pages of test/fixtures/article-extraction (Node 20,
 * this machine): linkedom 14 ms median and 59 ms p95 per page, F1 0.946; jsdom 28 was 76 ms and 317 ms,
 * F1 0.935, and threw on three pages in its CSS parser. jsdom 29+ no longer runs on Node 20.
 *
 * A DOM without scripts: linkedom never runs a script, has no network and no window to run one in,
 * and every <script> but JSON-LD (data Readability reads the byline and date from, never run) is
 * removed before Readability sees the page. Nothing here is sanitized: the article HTML is untrusted
 * and goes through the renderer (html.ts) and its sanitizer like any feed's HTML; the single-line
 * fields are cleaned here because they are shown as they are.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { safeUrl, sanitizeLine } from '../sanitize.js';
import type { ExtractedArticle } from '../store.js';

/** What was read from a page (the cache's shape of it, store/types.ts). */
export type Extracted = ExtractedArticle;

/**
 * Less text than this is not an article: Readability always returns its best candidate, and on a page
 * without one (a paywall, a "please enable JavaScript" shell, an index page) that is a few words of
 * navigation. The shortest article in the benchmark corpus has 367 characters.
 */
export const MIN_ARTICLE_CHARS = 200;

/**
 * Bounds on the page's shape, checked before Readability runs. Readability recurses (a page nested
 * 20,000 deep took it 11 s to overflow the stack) and its own element cap never fires on linkedom,
 * whose getElementsByTagName('*') finds nothing. The corpus's pages have at most 1,600 elements and
 * nest 50 deep; near the bounds a hostile page still takes Readability a few seconds (in a worker).
 */
export const MAX_ELEMENTS = 100_000;
export const MAX_DEPTH = 200;

/** The page's element count and deepest nesting, walked without recursion; stops past the bounds. */
function shapeOf(document: Document): { elements: number; depth: number } {
  let elements = 0;
  let depth = 0;
  let deepest = 0;
  let el: Element | null = document.documentElement;
  while (el !== null && elements <= MAX_ELEMENTS && deepest <= MAX_DEPTH) {
    elements++;
    if (depth > deepest) deepest = depth;
    const child: Element | null = el.firstElementChild;
    if (child !== null) {
      el = child;
      depth++;
      continue;
    }
    while (el !== null && el.nextElementSibling === null) {
      el = el.parentElement;
      depth--;
    }
    el = el?.nextElementSibling ?? null;
  }
  return { elements, depth: deepest };
}

const cleanLine = (value: unknown, max = 300): string => (typeof value === 'string' ? sanitizeLine(value).slice(0, max) : '');

function isoDate(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  return date.getUTCFullYear() >= 1990 && date.getUTCFullYear() <= 9999 ? date.toISOString() : null;
}

/** The URL relative links resolve against: the page's `<base href>` if it is http(s), else the page itself. */
function baseOf(document: Document, pageUrl: string): string {
  const href = document.querySelector('base[href]')?.getAttribute('href');
  return (href && safeUrl(href, pageUrl)) || pageUrl;
}

/** Extract the readable article from `html`, fetched from `pageUrl` (its final URL, after redirects). */
export function extractArticle(html: string, pageUrl: string): Extracted {
  const { document } = parseHTML(html) as unknown as { document: Document };
  const shape = shapeOf(document);
  if (shape.elements > MAX_ELEMENTS || shape.depth > MAX_DEPTH) {
    const why =
      shape.depth > MAX_DEPTH ? `nests elements over ${MAX_DEPTH} deep: too deep` : `has over ${MAX_ELEMENTS.toLocaleString('en')} elements: too many`;
    return { title: '', byline: '', published: null, siteName: '', content: null, failure: `the page ${why} to read` };
  }
  for (const script of [...document.querySelectorAll('script')]) {
    if (!/^\s*application\/ld\+json\s*$/i.test(script.getAttribute('type') ?? '')) script.remove();
  }
  // Readability resolves links and images against these; linkedom leaves baseURI unresolved and has no
  // documentURI at all (so without this every relative link would stay relative).
  const base = baseOf(document, pageUrl);
  Object.defineProperty(document, 'baseURI', { value: base, configurable: true });
  Object.defineProperty(document, 'documentURI', { value: pageUrl, configurable: true });
  const title = cleanLine(document.querySelector('title')?.textContent ?? '');

  let article: ReturnType<Readability['parse']>;
  try {
    article = new Readability(document).parse();
  } catch {
    return { title, byline: '', published: null, siteName: '', content: null, failure: 'the page could not be parsed' };
  }
  const meta = {
    title: cleanLine(article?.title) || title,
    byline: cleanLine(article?.byline),
    published: isoDate(article?.publishedTime),
    siteName: cleanLine(article?.siteName),
  };
  if (!article || typeof article.content !== 'string') return { ...meta, content: null, failure: 'Readability found no article on the page' };
  const chars = (article.textContent ?? '').replace(/\s+/g, ' ').trim().length;
  if (chars < MIN_ARTICLE_CHARS) {
    return { ...meta, content: null, failure: `the page has too little text to be an article (${chars} characters)` };
  }
  return { ...meta, content: article.content, failure: null };
}
