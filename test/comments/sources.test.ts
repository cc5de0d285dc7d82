/** Hacker News, Reddit and Lobsters adapters, fetched from the local fixture server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHackerNews } from '../../source/core/comments/hackernews.js';
import { loadDiscussion } from '../../source/core/comments.js';
import { countComments, flattenTree, preorder } from '../../source/core/comments/thread.js';
import type { Comment } from '../../source/core/comments/types.js';
import { fixture, settingsFor, startServer, type TestServer } from './server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({
    '/hn/api/v1/items/9000': { body: fixture('hn-algolia-9000.json') },
    '/reddit/comments/2xmo63.json': { body: fixture('python-2xmo63.comments.json') },
    '/reddit/comments/2np694.json': { body: fixture('askreddit-2np694.comments.json') },
    '/lobsters/s/xyz789.json': { body: fixture('lobsters-xyz789.json') },
    '/lobsters/s/old123.json': { body: fixture('lobsters-old123-indent-level.json') },
  });
});
afterAll(() => server.close());

const load = (url: string) => loadDiscussion(url, { settings: settingsFor(server.base) });
const rows = (tree: Comment[]) => flattenTree(tree).map((r) => `${r.depth}:${r.comment.deleted ? '[deleted]' : r.comment.author}`);

/** Every object with kind "more" anywhere in the JSON: the count the file itself contains. */
function countMoreStubs(json: unknown): number {
  let n = 0;
  const stack: unknown[] = [json];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v !== null && typeof v === 'object') {
      if ((v as { kind?: unknown }).kind === 'more') n++;
      stack.push(...Object.values(v));
    }
  }
  return n;
}

describe('Hacker News (Algolia)', () => {
  it('builds the tree: deleted with replies kept, deleted without dropped, depth 5', async () => {
    server.requests.length = 0;
    const d = await load('https://news.ycombinator.com/item?id=9000');
    expect(server.requests).toEqual(['/hn/api/v1/items/9000']);
    expect(d).toMatchObject({
      source: 'hackernews',
      url: 'https://news.ycombinator.com/item?id=9000',
      title: 'Ask HN: Deep threads and deleted comments',
      opAuthor: 'pg',
      total: 6, // counted: live comments only (Algolia has no descendants)
    });
    expect(rows(d.comments)).toEqual(['0:alice', '1:[deleted]', '2:bob', '3:carol', '4:dave', '5:erin', '0:pg']);
    const all = preorder(d.comments);
    expect(all.find((c) => c.id === '9002')).toMatchObject({ deleted: true, author: '', html: '', parentId: '9001' });
    expect(all.some((c) => ['9007', '9009', '9010'].includes(c.id))).toBe(false);
    const op = all.find((c) => c.id === '9008')!;
    expect(op.isOp).toBe(true);
    expect(op.permalink).toBe('https://news.ycombinator.com/item?id=9008');
    expect(op.published).toBe(new Date((1732000000 + 9008 * 60) * 1000).toISOString());
    expect(all[0]!.html).toContain('<a href="https:&#x2F;&#x2F;example.com&#x2F;"');
  });

  it('reads the HNPWA shape too (corpus: circumflex fixture)', () => {
    const d = parseHackerNews(JSON.parse(fixture('hnpwa-item-26298314.json')), '26298314', 'x');
    expect(d).toMatchObject({ title: 'Ask HN: Is there an IDE for computer vision?', opAuthor: 'awinter-py', total: 0, comments: [] });
    const nested = parseHackerNews(
      {
        id: 1,
        title: 't',
        user: 'op',
        comments: [
          { id: 2, user: 'a', time: 1614556974, content: '<p>x', comments: [{ id: 3, user: 'op', content: 'y', comments: [] }] },
          { id: 4, deleted: true, comments: [] },
        ],
      },
      '1',
      'x',
    );
    expect(rows(nested.comments)).toEqual(['0:a', '1:op']);
    expect(preorder(nested.comments)[1]!.isOp).toBe(true);
  });
});

describe('Reddit', () => {
  it('python-2xmo63: nested replies, OP, deleted placeholders, permalinks built from the post', async () => {
    const d = await load('https://www.reddit.com/r/Python/comments/2xmo63/a_python_terminal_viewer_for_browsing_reddit/');
    // Reddit's API rules ask for `<platform>:<app id>:<version> (by /u/<name>)`.
    expect(server.headers.at(-1)!['user-agent']).toMatch(/^\w+:broadsheet:\d+\.\d+\.\d+ \(by \/u\/\w+\)$/);
    const json = JSON.parse(fixture('python-2xmo63.comments.json'));
    expect(countMoreStubs(json)).toBe(0);
    expect(d).toMatchObject({
      source: 'reddit',
      title: 'A python terminal viewer for browsing reddit',
      total: 44, // num_comments
      opAuthor: 'civilization_phaze_3',
      url: 'https://www.reddit.com/r/Python/comments/2xmo63/a_python_terminal_viewer_for_browsing_reddit/',
    });
    const all = preorder(d.comments);
    expect(all).toHaveLength(45); // every t1 in the file (both deleted ones have replies)
    expect(all.filter((c) => c.deleted)).toHaveLength(1); // the other "[deleted]" author kept its body
    const first = d.comments[0]!;
    expect(first.isOp).toBe(true);
    expect(first.permalink).toBe(`${d.url}${first.id}/`);
    // body_html is escaped once: decoding once gives real HTML, not "&lt;div"
    expect(first.html.startsWith('<div class="md">')).toBe(true);
    expect(all.every((c) => !/&lt;(?:div|p)\b/.test(c.html))).toBe(true);
    const accountGone = all.find((c) => c.author === '[deleted]' && !c.deleted)!;
    expect(accountGone.html).toContain('Are you open to extending it');
  });

  it('askreddit-2np694: all 192 "more" stubs become N-more-replies stubs under their parents', async () => {
    const d = await load('https://old.reddit.com/r/AskReddit/comments/2np694/what_tasty_food/');
    const json = JSON.parse(fixture('askreddit-2np694.comments.json'));
    expect(countMoreStubs(json)).toBe(192); // the count: all in this file, none in python-2xmo63
    const all = preorder(d.comments);
    const stubs = all.filter((c) => c.more !== undefined);
    expect(stubs).toHaveLength(192);
    expect(stubs.reduce((sum, c) => sum + c.more!, 0)).toBe(8172);
    expect(d.total).toBe(7727);
    // The "continue this thread" stub (id "_", count 0, depth 10) sits under its parent with a link to it.
    const cont = stubs.find((c) => c.more === 0)!;
    expect(cont.parentId).toBe('cmfw61e');
    const parent = all.find((c) => c.id === 'cmfw61e')!;
    expect(parent.children).toContain(cont);
    expect(cont.permalink).toBe(parent.permalink);
    expect(flattenTree(d.comments).find((r) => r.comment === cont)!.depth).toBe(10);
    // Stubs are not comments; every t1 is kept (10 deleted ones all have replies).
    expect(countComments(d.comments, { includeDeleted: true })).toBe(199);
    // A top-level stub stays at top level, after the comments it follows.
    const topStubs = d.comments.filter((c) => c.more !== undefined);
    expect(topStubs.length).toBeGreaterThan(0);
    expect(d.comments.at(-1)!.more).toBeDefined();
  });

  it('accepts redd.it short links', async () => {
    const d = await load('https://redd.it/2xmo63');
    expect(d.title).toBe('A python terminal viewer for browsing reddit');
  });
});

describe('Lobsters', () => {
  it('current shape: parent_comment + depth, string commenting_user, deleted kept only with replies', async () => {
    const d = await load('https://lobste.rs/s/xyz789/threads_in_plain_text');
    expect(d).toMatchObject({
      source: 'lobsters',
      title: 'Threads in plain text',
      total: 5,
      opAuthor: 'alice',
      url: 'https://lobste.rs/s/xyz789/threads_in_plain_text',
    });
    expect(rows(d.comments)).toEqual(['0:bob', '1:[deleted]', '2:alice', '0:dave']);
    const all = preorder(d.comments);
    expect(all.find((c) => c.id === 'c3cccc')).toMatchObject({ isOp: true, score: 3, published: '2024-11-20T16:07:00.000Z' });
    expect(all.find((c) => c.id === 'c2bbbb')).toMatchObject({ html: '', author: '' });
    expect(all[0]!.permalink).toBe('https://lobste.rs/s/xyz789/threads_in_plain_text#c_c1aaaa');
  });

  it('older shape: indent_level and commenting_user objects', async () => {
    const d = await load('https://lobste.rs/s/old123');
    expect(d.opAuthor).toBe('olduser');
    expect(flattenTree(d.comments).map((r) => `${r.depth}:${r.comment.id}:${r.comment.author}`)).toEqual([
      '0:o1:ann',
      '1:o2:olduser',
      '2:o3:ben',
      '1:o4:cat',
      '0:o5:dan',
    ]);
    expect(preorder(d.comments).find((c) => c.id === 'o2')!.isOp).toBe(true);
  });
});
