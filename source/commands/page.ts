/** `broadsheet page URL [--json]`: the readable text of one web page, as the reader's full text shows it. */
import { closeAgents } from '../core/http.js';
import { renderHtml } from '../core/html.js';
import { FeedLogins } from '../core/feed-auth.js';
import { pageUrl, readPage } from '../core/page.js';
import type { Context } from './context.js';
import { UsageError } from './context.js';
import type { ParsedArgs } from './args.js';

export async function pageCommand(ctx: Context, args: ParsedArgs): Promise<number> {
  const url = args.positional[0];
  if (!url || args.positional.length > 1) throw new UsageError('usage: broadsheet page URL [--json]');
  try {
    pageUrl(url);
  } catch (error) {
    throw new UsageError(`${url}: ${(error as Error).message}`);
  }
  let page: Awaited<ReturnType<typeof readPage>>;
  try {
    // Extracted on this thread: one page does not pay for starting a worker (~70 ms). A page on the
    // site of a password-protected feed is asked for with that feed's login.
    page = await readPage(url, ctx.loaded.settings.fetch, { logins: new FeedLogins(() => ctx.loaded.settings.feeds) });
  } finally {
    closeAgents();
  }
  if (args.flags.json) {
    const { url: finalUrl, title, byline, published, text, links } = page;
    ctx.out.write(JSON.stringify({ url: finalUrl, title, byline, published, text, links }, null, 2) + '\n');
    return 0;
  }
  const width = ctx.out.isTTY ? ctx.out.columns : 80;
  const meta = [page.siteName, page.byline, page.published?.slice(0, 10)].filter(Boolean).join(' · ');
  const { lines } = renderHtml(page.content, { width, color: false, baseUrl: page.url });
  ctx.out.write(`${page.title}\n${meta ? meta + '\n' : ''}${page.url}\n\n${lines.join('\n')}\n`);
  return 0;
}
