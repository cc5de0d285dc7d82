/**
 * The address an article's page gives itself, once the page has been read (full text, or the pane
 * looking on the page for a thread): its `<link rel="canonical">`, else where its URL redirected to.
 *
 * A feed's link may carry the site's own tracking parameters (heise's `wt_mc`, Medium's
 * `source=rss…`), which the URL identity keeps like every parameter but `utm_*` and the click ids,
 * while people submit the address the page shows: measured on a mix of feeds (bench coverage), that
 * was half of the submissions a lookup missed. The page's canonical address is the site's own word
 * for that address, so it is asked about too.
 */
import { Parser } from 'htmlparser2';
import { safeUrl } from '../sanitize.js';

/** Only the head is read, and at most this much of it. */
const HEAD_LIMIT = 256 * 1024;

/** The `<link rel="canonical" href>` in the page's head, resolved against `pageUrl`; http(s) only. */
export function canonicalAddress(html: string, pageUrl: string): string | undefined {
  const body = html.search(/<body[\s>]/i);
  const head = html.slice(0, Math.min(body < 0 ? html.length : body, HEAD_LIMIT));
  let found: string | undefined;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (found !== undefined || name !== 'link') return;
        const rel = (attributes.rel ?? '').toLowerCase().split(/\s+/);
        if (!rel.includes('canonical') || !attributes.href) return;
        found = safeUrl(attributes.href.trim(), pageUrl) || '';
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(head);
  parser.end();
  return found || undefined;
}

/** A site's front page (no path, no query): what a misconfigured template names as every page's canonical. */
const frontPage = (url: string) => {
  const u = new URL(url);
  return (u.pathname === '/' || u.pathname === '') && u.search === '';
};

/**
 * The page's own address: its canonical link, else its URL after redirects when that differs. A
 * canonical naming the site's front page for an article that is not is a template's mistake, and its
 * discussions are not the article's: it is ignored.
 */
export function pageAddress(page: { url: string; finalUrl: string; html: string }): string | undefined {
  const base = page.finalUrl || page.url;
  const canonical = canonicalAddress(page.html, base);
  if (canonical && !(frontPage(canonical) && !frontPage(base))) return canonical;
  return page.finalUrl && page.finalUrl !== page.url ? page.finalUrl : undefined;
}
