/**
 * `broadsheet refresh [--json]`: fetch every subscribed feed; failures are listed, the rest land.
 * A broken feed whose items could be recovered ("bozo") lands, is listed with what was recovered and
 * why, and does not make the exit code 1: its articles are there. Then the pages of `fullText` feeds'
 * new articles are read into the cache (a page that fails is one line, and no failure of the refresh).
 */
import { refreshFeeds, type FeedOutcome, type RefreshProgress, type RefreshSummary } from '../core/refresh.js';
import { createParsePool } from '../core/workers.js';
import { FeedLogins } from '../core/feed-auth.js';
import { closeAgents } from '../core/http.js';
import { brokenFeedLine, refreshSummaryLine } from '../core/refresh-summary.js';
import { fetchWantedPages, pageLoader, wantedPages, type QueueSummary } from '../core/page.js';
import type { Context } from './context.js';
import type { ParsedArgs } from './args.js';

/** A feed that landed from a broken document: how many items were read and what the XML error was. */
export interface BrokenFeed {
  url: string;
  items: number;
  reason: string;
}

export async function refreshCommand(ctx: Context, args: ParsedArgs): Promise<number> {
  // Syncing, the server fetches the feeds: a refresh is a sync.
  if (ctx.loaded.settings.sync) return (await import('./sync.js')).syncCommand(ctx, args);
  const store = ctx.store();
  const urls = ctx.loaded.settings.feeds.map((f) => f.url);
  const pool = createParsePool({ store });
  const bar = ctx.err.isTTY ? progressBar(ctx) : undefined;
  const outcomes: FeedOutcome[] = [];
  const broken: BrokenFeed[] = [];
  let summary: RefreshSummary;
  let fullText: QueueSummary = { done: 0, failed: 0 };
  // One per run: a password command runs once for the feed and its pages.
  const logins = new FeedLogins(() => ctx.loaded.settings.feeds);
  try {
    summary = await refreshFeeds({
      store,
      urls,
      fetch: ctx.loaded.settings.fetch,
      pool,
      logins,
      // Nothing reads lists in this process meanwhile: a first refresh builds them after the load.
      bulkLoad: true,
      filters: ctx.loaded.settings.filters,
      // Nothing waits on this process either: an old cache is rewritten once to give space back.
      retention: { keep: ctx.loaded.settings.keep, feeds: ctx.loaded.settings.feeds, vacuum: 'convert' },
      onProgress: (p) => {
        bar?.update(p);
        const outcome = p.outcome;
        if (outcome.status === 'failed') {
          bar?.clear();
          ctx.err.write(`broadsheet: ${outcome.url}: ${outcome.reason}\n`);
        } else if (outcome.status === 'updated') {
          if (outcome.broken) {
            const entry = { url: outcome.url, items: outcome.items, reason: outcome.brokenReason ?? 'XML error' };
            broken.push(entry);
            bar?.clear();
            ctx.err.write(`broadsheet: ${brokenFeedLine(entry.url, entry.items, entry.reason)}\n`);
          }
          // A filter skipped as too slow: the refresh went on, the user should know which one.
          for (const warning of outcome.filterWarnings ?? []) {
            bar?.clear();
            ctx.err.write(`broadsheet: ${outcome.url}: ${warning}\n`);
          }
        }
        outcomes.push(outcome);
      },
    });
    const settings = ctx.loaded.settings;
    const load = pageLoader(store, () => pool, settings.fetch, Date.now, logins);
    const say = (url: string, why: string) => ctx.err.write(`broadsheet: ${url}: full text: ${why}\n`);
    const loadSaying = (url: string) =>
      load(url).then(
        (page) => {
          if (page.content === null) say(url, page.failure ?? 'the page could not be read');
          return page;
        },
        (error: Error) => {
          say(url, error.message);
          throw error;
        },
      );
    fullText = await fetchWantedPages(wantedPages(store, settings.feeds, urls, Date.now()), loadSaying, settings.fetch);
  } finally {
    bar?.clear();
    await pool.close();
    closeAgents();
  }
  const failed = summary.failed.length;
  if (args.flags.json) {
    // Pretty-printed like `feed --json`; times in whole milliseconds (parseMs sums the parse threads').
    const json = {
      total: summary.total,
      updated: summary.updated,
      notModified: summary.notModified,
      skipped: summary.skipped,
      failed: summary.failed,
      added: summary.added,
      bytes: summary.bytes,
      parseMs: Math.round(summary.parseMs),
      elapsedMs: Math.round(summary.elapsedMs),
      removed: summary.removed,
      ...(summary.retentionFailure ? { retentionFailure: summary.retentionFailure } : {}),
      broken,
      outcomes,
      ...(fullText.done ? { fullText } : {}),
    };
    ctx.out.write(JSON.stringify(json, null, 2) + '\n');
  }
  ctx.err.write(`${refreshSummaryLine(summary, { timing: true })}\n`);

  if (fullText.done) {
    const read = fullText.done - fullText.failed;
    ctx.err.write(`full text: ${read} page${read === 1 ? '' : 's'} read for offline${fullText.failed ? `, ${fullText.failed} could not be read` : ''}\n`);
  }
  return failed > 0 ? 1 : 0;
}

function progressBar(ctx: Context) {
  let last = 0;
  let shown = false;
  return {
    update(p: RefreshProgress) {
      const now = Date.now();
      if (now - last < 50 && p.done < p.total) return;
      last = now;
      const width = Math.max(10, Math.min(40, ctx.err.columns - 30));
      const filled = Math.round((p.done / Math.max(1, p.total)) * width);
      ctx.err.raw(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} feeds\x1b[K`);
      shown = true;
    },
    clear() {
      if (shown) ctx.err.raw('\r\x1b[K');
      shown = false;
    },
  };
}
