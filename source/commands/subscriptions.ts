/** `add`, `remove`, `import` and `export`: the only commands that write the settings file. */
import fs from 'node:fs';
import { normalizeFeedUrl, updateSettings, type FeedSetting } from '../core/settings.js';
import { parseOpml, toOpml } from '../core/opml.js';
import type { Context } from './context.js';
import { UsageError } from './context.js';
import type { ParsedArgs } from './args.js';
import { loadFeed } from './feed.js';
import { describeFailure } from '../core/refresh.js';

/** The feeds list as stored in the file; starting from the demo means starting from an empty list. */
function feedsOf(raw: Record<string, unknown>): FeedSetting[] {
  return Array.isArray(raw.feeds) ? (raw.feeds as FeedSetting[]) : [];
}

export async function addCommand(ctx: Context, args: ParsedArgs): Promise<number> {
  const input = args.positional[0];
  if (!input || args.positional.length > 1) throw new UsageError('usage: broadsheet add URL [--tag T]');
  const url = normalizeFeedUrl(input);
  const tag = typeof args.flags.tag === 'string' ? args.flags.tag : undefined;
  if (!ctx.loaded.demo && ctx.loaded.settings.feeds.some((f) => f.url === url)) {
    ctx.err.write(`broadsheet: already subscribed: ${url}\n`);
    return 0;
  }
  let title = '';
  try {
    const { feed } = await loadFeed(ctx, url);
    title = feed.title;
  } catch (error) {
    ctx.err.write(`broadsheet: ${url}: ${describeFailure(error)}; not added\n`);
    return 1;
  }
  updateSettings(ctx.home, (raw) => {
    raw.feeds = [...feedsOf(raw), { url, ...(tag ? { tags: [tag] } : {}) }];
  });
  ctx.err.write(`added ${title ? `"${title}" ` : ''}${url}${tag ? ` [${tag}]` : ''} to ${ctx.home.configPath}\n`);
  return 0;
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
