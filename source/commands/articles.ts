/**
 * `broadsheet articles [--unread] [--starred] [--feed URL] [--tag T] [--search QUERY] [--limit N] [--json]`: list
 * cached articles, newest first; with --search, the articles whose title or text match, best match first
 * (from the command line one asks for the article one means, not for a list to read down).
 */
import type { Context } from './context.js';
import { UsageError } from './context.js';
import type { ParsedArgs } from './args.js';
import type { ArticleRow, Scope } from '../core/store.js';

const PAGE = 500;

export function articlesCommand(ctx: Context, args: ParsedArgs): number {
  const store = ctx.store();
  const scope: Scope = { unreadOnly: Boolean(args.flags.unread), starredOnly: Boolean(args.flags.starred) };
  if (typeof args.flags.feed === 'string') {
    const feed = store.feed(args.flags.feed);
    if (!feed) throw new UsageError(`not subscribed: ${args.flags.feed}`);
    scope.feedId = feed.id;
  }
  // A feed's tag or one a filter gave articles, as the reader's tag views show them.
  if (typeof args.flags.tag === 'string') scope.tag = args.flags.tag;
  const limit = args.flags.limit === undefined ? Infinity : Number(args.flags.limit);
  if (!(limit >= 0)) throw new UsageError('--limit needs a number');
  const json = Boolean(args.flags.json);
  const search = typeof args.flags.search === 'string' ? args.flags.search : undefined;
  if (json) ctx.out.write('[');
  let printed = 0;
  // Page through the cache rather than loading every row: a cache can hold 300,000 articles.
  for (let offset = 0; printed < limit; offset += PAGE) {
    const page = { offset, limit: Math.min(PAGE, limit - printed) };
    // Articles a killed refresh stored but did not index yet are found too.
    if (search !== undefined) store.indexForSearch();
    const rows = search === undefined ? store.articles(scope, page) : store.search(search, scope, page);
    if (rows.length === 0) break;
    for (const row of rows) {
      ctx.out.write(json ? (printed ? ',' : '') + '\n  ' + JSON.stringify(toJson(row)) : plain(row));
      printed++;
    }
  }
  if (json) ctx.out.write(printed ? '\n]\n' : ']\n');
  return 0;
}

export function toJson(row: ArticleRow) {
  return {
    id: row.id,
    feed: row.feed,
    title: row.title,
    link: row.link,
    author: row.author,
    published: row.published,
    read: row.read,
    starred: row.starred,
    commentCount: row.commentCount,
  };
}

function plain(row: ArticleRow): string {
  const mark = `${row.read ? ' ' : 'N'}${row.starred ? '*' : ' '}`;
  const date = row.published ? row.published.slice(0, 10) : '          ';
  const comments = row.commentCount ? ` (${row.commentCount} comments)` : '';
  return `${String(row.id).padStart(6)} ${mark} ${date}  ${row.title}  — ${row.feed}${comments}\n`;
}
