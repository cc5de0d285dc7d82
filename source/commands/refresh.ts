/** `broadsheet refresh [--json]`: fetch every subscribed feed; failures are listed, the rest land. */
import { refreshFeeds, type RefreshProgress, type RefreshSummary } from '../core/refresh.js';
import { createParsePool } from '../core/parse-pool.js';
import { closeAgents } from '../core/http.js';
import type { Context } from './context.js';
import type { ParsedArgs } from './args.js';

export async function refreshCommand(ctx: Context, args: ParsedArgs): Promise<number> {
  const store = ctx.store();
  const urls = ctx.loaded.settings.feeds.map((f) => f.url);
  const pool = createParsePool();
  const bar = ctx.err.isTTY ? progressBar(ctx) : undefined;
  let summary: RefreshSummary;
  try {
    summary = await refreshFeeds({
      store,
      urls,
      fetch: ctx.loaded.settings.fetch,
      pool,
      onProgress: (p) => {
        bar?.update(p);
        if (p.outcome.status === 'failed') {
          bar?.clear();
          ctx.err.write(`broadsheet: ${p.outcome.url}: ${p.outcome.reason}\n`);
        }
      },
    });
  } finally {
    bar?.clear();
    await pool.close();
    closeAgents();
  }
  const broken = summary.failed.length;
  if (args.flags.json) {
    ctx.out.write(JSON.stringify(summary, null, 2) + '\n');
  }
  const mb = summary.bytes / 1e6;
  ctx.err.write(
    `${summary.total} feeds: ${summary.updated} updated, ${summary.notModified} unchanged, ` +
      `${summary.skipped ? summary.skipped + ' skipped, ' : ''}${broken} failed; ` +
      `${summary.added} new articles; ${mb.toFixed(1)} MB in ${(summary.elapsedMs / 1000).toFixed(1)} s\n`,
  );
  return broken > 0 ? 1 : 0;
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
