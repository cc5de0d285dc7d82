/** `add`, `remove`, `import` and `export`: the only commands that write the settings file. */
import fs from 'node:fs';
import readline from 'node:readline';
import { normalizeFeedUrl, updateSettings, type FeedSetting } from '../core/settings.js';
import { parseOpml, toOpml } from '../core/opml.js';
import type { Context } from './context.js';
import { UsageError } from './context.js';
import type { ParsedArgs } from './args.js';
import { loadFeed } from './feed.js';
import { describeFailure } from '../core/refresh.js';
import { discoveredUrlOf } from '../core/discover.js';

/** The feeds list as stored in the file; starting from the demo means starting from an empty list. */
function feedsOf(raw: Record<string, unknown>): FeedSetting[] {
  return Array.isArray(raw.feeds) ? (raw.feeds as FeedSetting[]) : [];
}

export async function addCommand(ctx: Context, args: ParsedArgs): Promise<number> {
  const input = args.positional[0];
  if (!input || args.positional.length > 1) throw new UsageError('usage: broadsheet add URL [--tag T]');
  const url = normalizeFeedUrl(input);
  const tag = typeof args.flags.tag === 'string' ? args.flags.tag : undefined;
  return subscribe(ctx, url, tag, true);
}

/**
 * Check a feed and add it to the settings. When `url` is an HTML page whose autodiscovery link names a
 * feed, say so: at a terminal, offer to subscribe to that feed instead; otherwise (scripts, pipes) print
 * the command that would, and add nothing.
 */
async function subscribe(ctx: Context, url: string, tag: string | undefined, discover: boolean): Promise<number> {
  if (!ctx.loaded.demo && ctx.loaded.settings.feeds.some((f) => f.url === url)) {
    ctx.err.write(`broadsheet: already subscribed: ${url}\n`);
    return 0;
  }
  let title = '';
  try {
    const { feed } = await loadFeed(ctx, url);
    title = feed.title;
  } catch (error) {
    const found = discover ? discoveredUrlOf(error) : null;
    if (found === null) {
      ctx.err.write(`broadsheet: ${url}: ${describeFailure(error)}; not added\n`);
      return 1;
    }
    if (process.stdin.isTTY && ctx.err.isTTY) {
      ctx.err.write(`broadsheet: ${url} is an HTML page, not a feed; it links to the feed ${found}\n`);
      if (await confirm(ctx, `Subscribe to ${found} instead? [y/N] `)) return subscribe(ctx, found, tag, false);
      ctx.err.write('not added\n');
      return 1;
    }
    const command = `broadsheet add ${shellQuote(found)}${tag ? ` --tag ${shellQuote(tag)}` : ''}`;
    ctx.err.write(`broadsheet: ${url}: not a feed but an HTML page; found feed URL ${found}; run: ${command}\n`);
    return 1;
  }
  updateSettings(ctx.home, (raw) => {
    raw.feeds = [...feedsOf(raw), { url, ...(tag ? { tags: [tag] } : {}) }];
  });
  ctx.err.write(`added ${title ? `"${title}" ` : ''}${url}${tag ? ` [${tag}]` : ''} to ${ctx.home.configPath}\n`);
  return 0;
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

export function removeCommand(ctx: Context, args: ParsedArgs): number {
  const input = args.positional[0];
  if (!input || args.positional.length > 1) throw new UsageError('usage: broadsheet remove URL');
  const url = /^(https?|file):/i.test(input) ? input : normalizeFeedUrl(input);
  if (ctx.loaded.demo || !ctx.loaded.settings.feeds.some((f) => f.url === url)) {
    ctx.err.write(`broadsheet: not subscribed: ${url}\n`);
    return 1;
  }
  updateSettings(ctx.home, (raw) => {
    raw.feeds = feedsOf(raw).filter((f) => f.url !== url);
  });
  // The cached articles stay (marked inactive), so re-adding the feed brings back its read state.
  ctx.err.write(`removed ${url}\n`);
  return 0;
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
  let parsed;
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
  const titles = new Map(ctx.store().feeds().map((f) => [f.url, f.title]));
  ctx.out.write(toOpml(ctx.loaded.settings.feeds, titles));
  return 0;
}
