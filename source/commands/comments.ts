/**
 * `broadsheet comments URL [--json]`: a discussion, threaded: nested JSON, or plain text indented by depth.
 * URL: a comment feed, a cached article, or a thread on Hacker News, Reddit, Lobsters, Mastodon, Bluesky,
 * Discourse or Lemmy.
 */
import { commentsJsonText, commentsPlain, loadDiscussion } from '../core/comments/index.js';
import { closeAgents } from '../core/http.js';
import type { Context } from './context.js';
import { UsageError } from './context.js';
import type { ParsedArgs } from './args.js';

export async function commentsCommand(ctx: Context, args: ParsedArgs): Promise<number> {
  const url = args.positional[0];
  if (!url || args.positional.length > 1) throw new UsageError('usage: broadsheet comments URL [--json]');
  const { settings } = ctx.loaded;
  let discussion;
  try {
    // A URL that is a cached article's link resolves as that article (its comment feed or thread).
    discussion = await loadDiscussion(url, { store: ctx.store(), settings });
  } finally {
    closeAgents();
  }
  if (discussion.stale) ctx.err.write(`broadsheet: showing the cached copy: ${discussion.error}\n`);
  if (args.flags.json) {
    ctx.out.write(commentsJsonText(discussion) + '\n');
    return 0;
  }
  const width = ctx.out.isTTY ? ctx.out.columns : 100;
  ctx.out.write(`${discussion.title ? discussion.title + '\n' : ''}${discussion.total} comments${discussion.url ? ' — ' + discussion.url : ''}\n`);
  ctx.out.write(`${discussion.notice ? discussion.notice + '\n' : ''}\n`);
  ctx.out.write(commentsPlain(discussion, width).join('\n') + '\n');
  return 0;
}
