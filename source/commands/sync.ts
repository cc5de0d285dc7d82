/**
 * `broadsheet sync [--json]`: send the local marks to the sync server, then bring its feeds, new
 * articles and read and starred states into the cache. stderr: one summary line (with how many
 * requests it took), or one line saying what failed; the cache keeps what it had.
 */
import { closeAgents } from '../core/http.js';
import type { SyncSetting } from '../core/settings.js';
import { createBackend, ignoredFeedsNotice, runSync, SyncError, syncSummaryLine, type SyncBackend } from '../core/sync.js';
import type { ParsedArgs } from './args.js';
import type { Context } from './context.js';
import { UsageError } from './context.js';

export async function syncCommand(ctx: Context, args: ParsedArgs): Promise<number> {
  const { settings } = ctx.loaded;
  if (!settings.sync) throw new UsageError(`no "sync" in ${ctx.home.configPath}: nothing to sync with`);
  const notice = ignoredFeedsNotice(settings);
  if (notice) ctx.err.write(`broadsheet: ${notice}\n`);
  const server = settings.sync.url;
  return withSyncServer(ctx, settings.sync, async (backend) => {
    const summary = await runSync(ctx.store(), backend);
    if (args.flags.json) ctx.out.write(`${JSON.stringify({ ...summary, elapsedMs: Math.round(summary.elapsedMs) }, null, 2)}\n`);
    ctx.err.write(`${syncSummaryLine(summary, server)}\n`);
    return 0;
  });
}

/**
 * Run a command's work against the sync server: a failure the server explains (wrong password, API
 * off, server down) is one line on stderr and exit 1; the connection is closed either way.
 */
export async function withSyncServer(ctx: Context, sync: SyncSetting, work: (backend: SyncBackend) => Promise<number>): Promise<number> {
  const backend = createBackend(sync, ctx.loaded.settings.fetch);
  try {
    return await work(backend);
  } catch (error) {
    if (!(error instanceof SyncError)) throw error;
    ctx.err.write(`broadsheet: ${error.message}\n`);
    return 1;
  } finally {
    backend.close();
    closeAgents();
  }
}
