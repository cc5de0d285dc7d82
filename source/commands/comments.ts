/**
 * `broadsheet comments URL [--json]`: a discussion, threaded: nested JSON, or plain text indented by
 * depth. A Reddit thread's "more replies" are loaded too, up to 2,000 comments; stderr says when it
 * stopped short of the whole thread. URL: a comment feed, a cached article, or a thread on Hacker News,
 * Reddit, Lobsters, Mastodon, Bluesky, Discourse or Lemmy.
 */
import { cacheExpanded, commentsJsonText, commentsPlain, countComments, expandReddit, loadDiscussion, moreStubs, type Discussion } from '../core/comments.js';
import { Manners } from '../core/discussions.js';
import { closeAgents } from '../core/http.js';
import type { Context } from './context.js';
import { UsageError } from './context.js';
import type { ParsedArgs } from './args.js';

export async function commentsCommand(ctx: Context, args: ParsedArgs): Promise<number> {
  const url = args.positional[0];
  if (!url || args.positional.length > 1) throw new UsageError('usage: broadsheet comments URL [--json]');
  const { settings } = ctx.loaded;
  const store = ctx.store();
  const manners = new Manners({ ledger: store.ledger(), maxWaitMs: 60_000 });
  let discussion: Awaited<ReturnType<typeof loadDiscussion>>;
  let shown: Discussion;
  try {
    // A URL that is a cached article's link resolves as that article (its comment feed or thread).
    discussion = await loadDiscussion(url, { store, settings, manners });
    shown = discussion;
    if (discussion.source === 'reddit' && moreStubs(discussion).length > 0) {
      const expanded = await expandReddit(discussion, { settings, manners });
      shown = { ...discussion, comments: expanded.discussion.comments };
      if (expanded.discussion !== discussion) cacheExpanded(store, { ...expanded.discussion, fetchedAt: discussion.fetchedAt });
      if (expanded.stopped) {
        const have = countComments(shown.comments);
        ctx.err.write(`broadsheet: loaded ${have.toLocaleString('en')} of ${discussion.total.toLocaleString('en')} comments; stopped at ${expanded.stopped}\n`);
      }
    }
  } finally {
    closeAgents();
  }
  if (discussion.stale) ctx.err.write(`broadsheet: showing the cached copy: ${discussion.error}\n`);
  if (args.flags.json) {
    ctx.out.write(commentsJsonText(shown) + '\n');
    return 0;
  }
  const width = ctx.out.isTTY ? ctx.out.columns : 100;
  ctx.out.write(`${shown.title ? shown.title + '\n' : ''}${shown.total} comments${shown.url ? ' — ' + shown.url : ''}\n`);
  ctx.out.write(`${shown.notice ? shown.notice + '\n' : ''}\n`);
  ctx.out.write(commentsPlain(shown, width).join('\n') + '\n');
  return 0;
}
