/**
 * `broadsheet feed URL [--json]`: fetch and show one feed without subscribing to it. A broken feed whose
 * items could be read is shown, with one warning line on stderr in `refresh`'s words, and exits 0.
 */
import { FeedLogins, withoutUserinfo } from '../core/feed-auth.js';
import { closeAgents } from '../core/http.js';
import { describeFailure, fetchAndParse } from '../core/refresh.js';
import { htmlToPlainText } from '../core/html.js';
import { brokenFeedLine } from '../core/refresh-summary.js';
import { normalizeFeedUrl } from '../core/settings.js';
import type { Context } from './context.js';
import { UsageError } from './context.js';
import type { ParsedArgs } from './args.js';

/**
 * Fetch and parse one feed, then let the process exit (no keep-alive sockets left open). A subscribed
 * feed is fetched with its login; a user and password in `url` itself are used as they are.
 */
async function loadFeed(ctx: Context, url: string) {
  try {
    const credentials = url === withoutUserinfo(url) ? await new FeedLogins(() => ctx.loaded.settings.feeds).credentialsFor(url) : undefined;
    return await fetchAndParse(url, ctx.loaded.settings.fetch, credentials);
  } finally {
    closeAgents();
  }
}

export async function feedCommand(ctx: Context, args: ParsedArgs): Promise<number> {
  const input = args.positional[0];
  if (!input || args.positional.length > 1) throw new UsageError('usage: broadsheet feed URL [--json]');
  const url = normalizeFeedUrl(input);
  let loaded: Awaited<ReturnType<typeof loadFeed>>;
  try {
    loaded = await loadFeed(ctx, url);
  } catch (error) {
    // Named as the user typed it (without a password), with the reason `refresh` and `add` give.
    throw new Error(`${withoutUserinfo(input.trim())}: ${describeFailure(error)}`);
  }
  const { feed } = loaded;
  if (loaded.broken) ctx.err.write(`broadsheet: ${brokenFeedLine(input, feed.articles.length, loaded.brokenReason)}\n`);
  if (args.flags.json) {
    const json = {
      title: feed.title,
      link: feed.link,
      articles: feed.articles.map((a) => ({
        id: a.id,
        title: a.title,
        link: a.link,
        author: a.author,
        published: a.published,
        commentsUrl: a.commentsUrl,
        commentCount: a.commentCount,
        text: htmlToPlainText(a.html),
      })),
    };
    ctx.out.write(JSON.stringify(json, null, 2) + '\n');
    return 0;
  }
  ctx.out.write(`${feed.title}${feed.link ? `  <${feed.link}>` : ''}\n${feed.articles.length} articles\n\n`);
  for (const a of feed.articles) {
    const date = a.published ? a.published.slice(0, 10) + '  ' : '';
    const comments = a.commentCount ? ` (${a.commentCount} comments)` : '';
    ctx.out.write(`${date}${a.title}${comments}\n${a.link ? '  ' + a.link + '\n' : ''}`);
  }
  return 0;
}
