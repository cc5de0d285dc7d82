/**
 * `broadsheet discussions URL [--json]`: every discussion found for an article URL: a cached article's
 * own comments, and where Hacker News, Reddit and Lobsters say the URL was submitted (the services in
 * `discussions.lookup`; the cache answers while fresh). Exit 0 with nothing found; 1 only when every
 * service asked failed, each failure one line on stderr naming its service.
 */
import {
  byComments,
  foundCount,
  Manners,
  listDiscussions,
  lookupDiscussions,
  lookupUrls,
  outcomeLine,
  ownDiscussions,
  pageAddress,
  sourceName,
  type DiscussionRef,
} from '../core/discussions.js';
import { ageInWords, relativeAge } from '../core/age.js';
import { withoutUserinfo } from '../core/feed-auth.js';
import { closeAgents } from '../core/http.js';
import { safeUrl } from '../core/sanitize.js';
import type { ParsedArgs } from './args.js';
import type { Context } from './context.js';
import { UsageError } from './context.js';

const inWords = ageInWords;

export async function discussionsCommand(ctx: Context, args: ParsedArgs): Promise<number> {
  const input = args.positional[0];
  if (!input || args.positional.length > 1) throw new UsageError('usage: broadsheet discussions URL [--json]');
  const url = safeUrl(input);
  if (!url) throw new UsageError(`${input}: not an http(s) URL`);
  const { settings } = ctx.loaded;
  const store = ctx.store();
  const article = store.articleByUrl(url) ?? store.articleByUrl(input.trim());
  const own = article ? ownDiscussions(article, store) : [];
  const optedOut = article !== undefined && settings.feeds.find((f) => f.url === article.feedUrl)?.lookup === false;
  const services = optedOut ? [] : settings.discussions.lookup;
  // A page in the cache (full text, or the reader's pane) gives its own address: asked about too.
  const page = article ? store.pageSource(article.link) : undefined;
  const address = page ? pageAddress(page) : undefined;
  const urls = lookupUrls(article ? { link: article.link, origLink: article.origLink || url, ...(address ? { pageAddress: address } : {}) } : { link: url });
  if (urls.length === 0 && services.length > 0) ctx.err.write(`broadsheet: ${withoutUserinfo(url)}: a local or reserved address; no service was asked\n`);
  let outcomes: Awaited<ReturnType<typeof lookupDiscussions>>['services'];
  try {
    const result = await lookupDiscussions(urls, {
      services,
      settings,
      store,
      // Headless, a short wait for a rate limit is better than a gap in the answer.
      manners: new Manners({ ledger: store.ledger(), maxWaitMs: 60_000 }),
      published: article?.published ?? null,
    });
    outcomes = result.services;
    const list = listDiscussions(own, result.discussions);
    if (article) store.setLookupCount(article.id, foundCount(list));
    write(ctx, list.map((d) => d.ref).sort(byComments), Boolean(args.flags.json));
  } finally {
    closeAgents();
  }
  for (const o of outcomes) {
    const line = outcomeLine(o, Date.now(), inWords);
    if (line) ctx.err.write(`broadsheet: ${line}\n`);
  }
  return outcomes.length > 0 && outcomes.every((o) => o.error) ? 1 : 0;
}

function write(ctx: Context, refs: DiscussionRef[], json: boolean): void {
  if (json) {
    const rows = refs.map(({ source, url, title, where, comments, score, published }) => ({ source, url, title, where, comments, score, published }));
    ctx.out.write(JSON.stringify(rows) + '\n');
    return;
  }
  for (const r of refs) {
    const head = [
      r.comments === null ? 'comments unknown' : `${r.comments} comment${r.comments === 1 ? '' : 's'}`,
      r.where ? `${sourceName(r.source)} ${r.where}` : sourceName(r.source),
      ...(r.score !== null ? [`${r.score} point${r.score === 1 ? '' : 's'}`] : []),
      ...(r.published ? [relativeAge(r.published)] : []),
    ].join(' · ');
    ctx.out.write(`${head} — ${r.title}\n  ${r.url}\n`);
  }
}
