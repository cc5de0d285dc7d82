/** Reddit's deeper threads: "N more replies" through morechildren, "continue this thread" through the comment's page. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadDiscussion, type Discussion } from '../../source/core/comments.js';
import { readCache } from '../../source/core/comments/cache.js';
import { cacheExpanded, expandReddit, loadStub, moreStubs, MORE_BATCH } from '../../source/core/comments/more.js';
import { countComments, preorder } from '../../source/core/comments/thread.js';
import { Manners, REDDIT_USER_AGENT } from '../../source/core/discussions/manners.js';
import { Store } from '../../source/core/store.js';
import { fixture, settingsFor, startServer, type TestServer } from './server.js';

const THREAD = 'https://www.reddit.com/r/AskReddit/comments/2np694/what_tasty_food_would_be_distusting_if_eaten_over/';
const page = JSON.parse(fixture('askreddit-2np694.comments.json'));

/** Every id a stub of the fixture lists -> the stub's parent (`t1_…` or `t3_…`). */
const parentOfId = new Map<string, string>();
(function walk(children: any[]) {
  for (const c of children) {
    if (c.kind === 'more') for (const id of c.data.children) parentOfId.set(id, c.data.parent_id);
    else if (c.kind === 't1' && c.data.replies) walk(c.data.replies.data.children);
  }
})(page[1].data.children);

const reply = (id: string, parent: string, html: string) => ({
  kind: 't1',
  data: {
    id,
    name: `t1_${id}`,
    parent_id: parent,
    author: `u_${id}`,
    body: 'x',
    body_html: html,
    created_utc: 1417000000,
    score: 2,
    replies: '',
    permalink: `/r/AskReddit/comments/2np694/x/${id}/`,
  },
});

let server: TestServer;
let failMore = false;
beforeAll(async () => {
  server = await startServer({
    '/reddit/comments/2np694.json': { body: JSON.stringify(page) },
    '/reddit/api/morechildren.json': (url) => {
      if (failMore) return { status: 500, body: 'x' };
      const ids = new URL(url, 'http://x').searchParams.get('children')!.split(',');
      // raw_json=1: body_html arrives unescaped; "&amp;" is the HTML for a literal "&".
      const things: unknown[] = ids.map((id) => reply(id, parentOfId.get(id) ?? 't3_2np694', `<div class="md"><p>reply ${id} &amp; more</p></div>`));
      things.push(reply(`n${ids[0]}`, `t1_${ids[0]}`, '<p>nested</p>'));
      return { body: JSON.stringify({ json: { errors: [], data: { things } } }) };
    },
    '/reddit/comments/2np694/_/cmfw61e.json': {
      // Not raw_json: escaped once, as the comments page is.
      body: JSON.stringify([
        page[0],
        {
          kind: 'Listing',
          data: {
            children: [
              {
                ...reply('cmfw61e', 't1_cmfw5zz', '&lt;p&gt;parent&lt;/p&gt;'),
                data: {
                  ...reply('cmfw61e', 't1_cmfw5zz', '').data,
                  replies: { kind: 'Listing', data: { children: [reply('deep1', 't1_cmfw61e', '&lt;p&gt;deeper &amp;amp; deeper&lt;/p&gt;')] } },
                },
              },
            ],
          },
        },
      ]),
    },
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.headers.length = 0;
  failMore = false;
});

const settings = () => settingsFor(server.base);
const load = () => loadDiscussion(THREAD, { settings: settings(), maxAgeMs: 0 }) as Promise<Discussion>;
const byId = (d: Discussion, id: string) => preorder(d.comments).find((c) => c.id === id);

describe('Reddit more replies', () => {
  it('Enter on "N more replies" loads them in place, under their parent, after its other replies', async () => {
    const d = await load();
    const stub = moreStubs(d).find((s) => s.moreIds?.length === 7)!;
    expect(stub.parentId).toBe('cmftz88');
    const parent = byId(d, 'cmftz88')!;
    const before = parent.children.length;
    const after = await loadStub(d, stub.id, { settings: settings(), manners: new Manners() });
    const request = new URL(server.requests.at(-1)!, 'http://x');
    expect(request.pathname).toBe('/reddit/api/morechildren.json');
    expect(Object.fromEntries(request.searchParams)).toMatchObject({
      api_type: 'json',
      link_id: 't3_2np694',
      raw_json: '1',
      children: stub.moreIds!.join(','),
    });
    expect(server.headers.at(-1)!['user-agent']).toBe(REDDIT_USER_AGENT);
    const kids = byId(after, 'cmftz88')!.children;
    expect(kids).toHaveLength(before - 1 + 7);
    expect(kids.slice(before - 1).map((c) => c.id)).toEqual(stub.moreIds);
    expect(kids.some((c) => c.more !== undefined)).toBe(false);
    // Unescaped HTML is not decoded a second time; nested replies nest.
    expect(kids.at(-7)!.html).toContain('&amp; more');
    expect(byId(after, stub.moreIds![0]!)!.children.map((c) => c.html)).toEqual(['<p>nested</p>']);
    expect(countComments(after.comments)).toBe(countComments(d.comments) + 8);
  });

  it('takes 100 ids a request and leaves the rest as a smaller stub', async () => {
    const d = await load();
    const big = moreStubs(d).find((s) => (s.moreIds?.length ?? 0) > MORE_BATCH)!;
    const after = await loadStub(d, big.id, { settings: settings() });
    const asked = new URL(server.requests.at(-1)!, 'http://x').searchParams.get('children')!.split(',');
    expect(asked).toHaveLength(MORE_BATCH);
    const rest = moreStubs(after).find((s) => s.id === big.id)!;
    expect(rest.moreIds).toEqual(big.moreIds!.slice(MORE_BATCH));
    expect(rest.more).toBeLessThan(big.more!);
    // Still the last of its level.
    expect(after.comments.at(-1)!.id).toBe(big.id);
  });

  it('"continue this thread" loads the comment\'s own page and hangs its replies in place', async () => {
    const d = await load();
    const stub = moreStubs(d).find((s) => s.more === 0)!;
    expect(stub.parentId).toBe('cmfw61e');
    const after = await loadStub(d, stub.id, { settings: settings() });
    expect(server.requests.at(-1)).toBe('/reddit/comments/2np694/_/cmfw61e.json');
    expect(byId(after, 'cmfw61e')!.children.map((c) => [c.id, c.html])).toEqual([['deep1', '<p>deeper &amp; deeper</p>']]);
    expect(moreStubs(after).some((s) => s.id === stub.id)).toBe(false);
  });

  it('headless: loads stubs up to the 2,000-comment limit, batching ids, and says it stopped short', async () => {
    const d = await load();
    const shown = countComments(d.comments);
    const { discussion, stopped } = await expandReddit(d, { settings: settings(), limit: 2000 });
    const asked = server.requests.filter((r) => r.startsWith('/reddit/api/morechildren.json'));
    expect(asked.every((r) => new URL(r, 'http://x').searchParams.get('children')!.split(',').length <= MORE_BATCH)).toBe(true);
    expect(countComments(discussion.comments)).toBeGreaterThanOrEqual(2000);
    expect(countComments(discussion.comments)).toBeLessThan(2000 + 2 * MORE_BATCH + 2);
    expect(shown).toBeLessThan(1000);
    expect(stopped).toBe('the 2,000-comment limit');
    expect(moreStubs(discussion).length).toBeGreaterThan(0);
  });

  it('headless: a failed request stops there with one line naming Reddit', async () => {
    failMore = true;
    const d = await load();
    const { discussion, stopped } = await expandReddit(d, { settings: settings() });
    expect(stopped).toBe('Reddit: HTTP 500 Internal Server Error');
    expect(countComments(discussion.comments)).toBe(countComments(d.comments));
  });

  it("loaded replies are cached with the thread, stubs' ids included", async () => {
    const store = Store.open(':memory:');
    try {
      const d = (await loadDiscussion(THREAD, { settings: settings(), store, maxAgeMs: 0 })) as Discussion;
      const stub = moreStubs(d).find((s) => s.moreIds?.length === 7)!;
      const after = await loadStub(d, stub.id, { settings: settings() });
      cacheExpanded(store, after);
      const cached = readCache(store, 'reddit:2np694')!.discussion;
      expect(countComments(cached.comments)).toBe(countComments(after.comments));
      expect(moreStubs(cached).map((s) => s.moreIds)).toEqual(moreStubs(after).map((s) => s.moreIds));
      expect(moreStubs(cached).length).toBe(moreStubs(d).length - 1);
    } finally {
      store.close();
    }
  });
});
