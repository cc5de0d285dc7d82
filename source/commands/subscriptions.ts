/** `add`, `remove`, `import` and `export`: the only commands that write the settings file. */
import fs from 'node:fs';
import readline from 'node:readline';
import { normalizeFeedUrl, updateSettings, type FeedSetting, type SyncSetting } from '../core/settings.js';
import { createBackend, subscribeOnServer, unsubscribeOnServer } from '../core/sync.js';
import { parseOpml, toOpml } from '../core/opml.js';
import type { Context } from './context.js';
import { UsageError } from './context.js';
import type { ParsedArgs } from './args.js';
import { closeAgents } from '../core/http.js';
import { subscribe, unsubscribe, type SubscribeResult } from '../core/subscribe.js';
import { withSyncServer } from './sync.js';
import { withoutUserinfo } from '../core/feed-auth.js';

/** The feeds list as stored in the file; starting from the demo means starting from an empty list. */
function feedsOf(raw: Record<string, unknown>): FeedSetting[] {
  return Array.isArray(raw.feeds) ? (raw.feeds as FeedSetting[]) : [];
}

export async function addCommand(ctx: Context, args: ParsedArgs): Promise<number> {
  const input = args.positional[0];
  if (!input || args.positional.length > 1) throw new UsageError('usage: broadsheet add URL [--tag T]');
  // A location that can never be a feed (exec:, javascript:) is bad usage: exit 2, before any work.
  const url = normalizeFeedUrl(input);
  const tag = typeof args.flags.tag === 'string' ? args.flags.tag : undefined;
  return add(ctx, url, tag, true);
}

/**
 * Subscribe and say how it went, on one line. When `url` is an HTML page whose autodiscovery link names
 * a feed: at a terminal, offer to subscribe to that feed instead; otherwise (scripts, pipes) print the
 * command that would, and add nothing.
 */
async function add(ctx: Context, url: string, tag: string | undefined, discover: boolean): Promise<number> {
  let result: SubscribeResult;
  const sync = ctx.loaded.settings.sync;
  const backend = sync ? createBackend(sync, ctx.loaded.settings.fetch) : null;
  try {
    result = backend ? await subscribeOnServer(ctx.store(), backend, url, tag) : await subscribe(ctx.loaded, () => ctx.store(), { input: url, tag, discover });
  } finally {
    backend?.close();
    closeAgents();
  }
  switch (result.kind) {
    case 'already':
      ctx.err.write(`broadsheet: already subscribed: ${result.url}\n`);
      return 0;
    case 'failed':
      ctx.err.write(`broadsheet: ${result.url}: ${result.message}; not added\n`);
      return 1;
    case 'found-feed': {
      const found = result.feedUrl;
      if (process.stdin.isTTY && ctx.err.isTTY) {
        ctx.err.write(`broadsheet: ${result.pageUrl} is an HTML page, not a feed; it links to the feed ${found}\n`);
        if (await confirm(ctx, `Subscribe to ${found} instead? [y/N] `)) return add(ctx, found, tag, false);
        ctx.err.write('not added\n');
        return 1;
      }
      const command = `broadsheet add ${shellQuote(found)}${tag ? ` --tag ${shellQuote(tag)}` : ''}`;
      ctx.err.write(`broadsheet: ${result.pageUrl}: not a feed but an HTML page; found feed URL ${found}; run: ${command}\n`);
      return 1;
    }
    case 'added': {
      const name = result.title ? `"${result.title}" ` : '';
      const cached = result.cacheError
        ? `; its articles could not be cached (${result.cacheError}): broadsheet refresh fetches them`
        : `: ${result.articles} article${result.articles === 1 ? '' : 's'}`;
      const demo = result.replacedDemo ? '; your feeds replace the demo feeds from now on' : '';
      const where = sync ? sync.url : ctx.home.configPath;
      ctx.err.write(`added ${name}${result.url}${tag ? ` [${tag}]` : ''} to ${where}${cached}${demo}\n`);
      return 0;
    }
  }
}

/** Ask a yes/no question on stderr and read one line from stdin; anything but y/yes is no. */
async function confirm(ctx: Context, question: string): Promise<boolean> {
  ctx.err.write(question);
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    return /^\s*y(?:es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}

/** A word safe to paste into a POSIX shell: as is when plain, else single-quoted. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./~-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export async function removeCommand(ctx: Context, args: ParsedArgs): Promise<number> {
  const input = args.positional[0];
  if (!input || args.positional.length > 1) throw new UsageError('usage: broadsheet remove URL');
  // With or without the user and password its URL may carry: feeds are named without them.
  const url = withoutUserinfo(/^(https?|file):/i.test(input) ? input : normalizeFeedUrl(input));
  const sync = ctx.loaded.settings.sync;
  if (sync) return removeOnServer(ctx, sync, url);
  if (unsubscribe(ctx.loaded, url).kind === 'not-subscribed') {
    ctx.err.write(`broadsheet: not subscribed: ${url}\n`);
    return 1;
  }
  // The cached articles stay (marked inactive), so re-adding the feed brings back its read state.
  ctx.err.write(`removed ${url}\n`);
  return 0;
}

async function removeOnServer(ctx: Context, sync: SyncSetting, url: string): Promise<number> {
  return withSyncServer(ctx, sync, async (backend) => {
    if (!(await unsubscribeOnServer(ctx.store(), backend, url))) {
      ctx.err.write(`broadsheet: not subscribed on ${sync.url}: ${url}\n`);
      return 1;
    }
    ctx.err.write(`removed ${url} from ${sync.url}\n`);
    return 0;
  });
}

export function importCommand(ctx: Context, args: ParsedArgs): number {
  const file = args.positional[0];
  if (!file || args.positional.length > 1) throw new UsageError('usage: broadsheet import FILE.opml');
  let xml: string;
  try {
    xml = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read'}`);
  }
  let parsed: ReturnType<typeof parseOpml>;
  try {
    parsed = parseOpml(xml);
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
  for (const r of parsed.rejected) ctx.err.write(`broadsheet: ${file}: skipped ${r.url}: ${r.reason}\n`);
  let added = 0;
  updateSettings(ctx.home, (raw) => {
    const feeds = feedsOf(raw);
    const known = new Set(feeds.map((f) => f.url));
    for (const feed of parsed.feeds) {
      if (known.has(feed.url)) continue;
      known.add(feed.url);
      feeds.push(feed);
      added++;
    }
    raw.feeds = feeds;
  });
  ctx.err.write(`imported ${added} feed${added === 1 ? '' : 's'} (${parsed.feeds.length - added} already subscribed) into ${ctx.home.configPath}\n`);
  return 0;
}

export function exportCommand(ctx: Context): number {
  const titles = new Map(
    ctx
      .store()
      .feeds()
      .map((f) => [f.url, f.title]),
  );
  ctx.out.write(toOpml(ctx.loaded.settings.feeds, titles));
  return 0;
}
