/**
 * Fixtures for the Mastodon, Bluesky, Discourse and Lemmy adapters, written from the documented response
 * shapes (no public captures exist), and the loopback routes that serve them (server.ts). Every string
 * field can carry HOSTILE: CSI and OSC sequences, C1 controls, bidi overrides.
 */
import type { Reply, Route } from './server.js';

/** What no output may keep: raw ESC sequences (CSI colour, OSC title, OSC 52 clipboard, OSC 8), C1 CSI, bidi. */
export const HOSTILE = '\x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x9b2J \x1b]52;c;Y2xpcA==\x07 \u202Eevil\u202C \x1b]8;;http://x\x1b\\hyper\x1b]8;;\x1b\\ \x85';
/** Any control, C1 or bidi character: none may survive into any output string. */
export const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

export const json = (v: unknown, extra: Partial<Reply> = {}): Reply => ({ body: JSON.stringify(v), ...extra });
export const HTML_PAGE: Reply = { type: 'text/html; charset=utf-8', body: '<!doctype html><html><body><h1>A blog</h1></body></html>' };

/** Every string anywhere in a value (iterative). */
export function allStrings(v: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [v];
  while (stack.length) {
    const x = stack.pop();
    if (typeof x === 'string') out.push(x);
    else if (Array.isArray(x)) stack.push(...x);
    else if (x && typeof x === 'object') stack.push(...Object.values(x));
  }
  return out;
}

// ----------------------------------------------------------------------------------- Mastodon

export function status(
  id: string,
  o: { parent?: string | null; acct?: string; content?: string; spoiler?: string; sensitive?: boolean; favs?: number; replies?: number; base?: string } = {},
) {
  const acct = o.acct ?? `user${id}`;
  return {
    id,
    in_reply_to_id: o.parent ?? null,
    account: { acct, display_name: `Display ${acct}`, url: `https://social.example/@${acct}` },
    created_at: new Date(Date.UTC(2025, 0, 1) + Number(id) * 60_000).toISOString(),
    content: o.content ?? `<p>Status ${id} says hello</p>`,
    spoiler_text: o.spoiler ?? '',
    sensitive: o.sensitive ?? false,
    favourites_count: o.favs ?? 0,
    reblogs_count: 0,
    replies_count: o.replies ?? 0,
    url: `${o.base ?? '{{BASE}}'}/@${acct}/${id}`,
  };
}

/**
 * Status 100 by alice (claims 4 direct replies; 3 arrive): 101 bob -> 102 carol (CW) -> 103 alice (OP);
 * a 24-level chain below 104; 105 hostile in every field; 106 replies to 999, which never arrives.
 * 103 claims 2 replies and has none: a stub.
 */
export function mastodonThread() {
  const descendants = [
    status('101', { parent: '100', acct: 'bob', favs: 5, replies: 1 }),
    status('102', { parent: '101', acct: 'carol', spoiler: 'spoilers for the film', sensitive: true, content: '<p>The butler did it</p>', replies: 1 }),
    status('103', { parent: '102', acct: 'alice', replies: 2 }),
    status('104', { parent: '100', acct: 'deep', replies: 1 }),
  ];
  for (let d = 1; d <= 24; d++)
    descendants.push(status(String(1000 + d), { parent: d === 1 ? '104' : String(1000 + d - 1), acct: `level${d}`, replies: d === 24 ? 0 : 1 }));
  descendants.push({
    ...status('105', { parent: '100', acct: `mal${HOSTILE}`, spoiler: '', content: `<p>${HOSTILE}</p><p><a href="javascript:alert(1)">x</a></p>` }),
    account: { acct: `mal${HOSTILE}`, display_name: HOSTILE, url: HOSTILE },
    url: `javascript:alert(1)`,
  });
  descendants.push(status('106', { parent: '999', acct: 'late' }));
  return {
    status: status('100', { acct: 'alice', content: '<p>New post: <a href="https://blog.example/p">Feeds are back</a></p>', replies: 4 }),
    context: { ancestors: [], descendants },
  };
}

export function mastodonRoutes(prefix = ''): Record<string, Route> {
  const t = mastodonThread();
  return {
    [`${prefix}/api/v1/statuses/100`]: json(t.status),
    [`${prefix}/api/v1/statuses/100/context`]: json(t.context),
  };
}

// ----------------------------------------------------------------------------------- Bluesky

export const DID = 'did:plc:abcdefghijklmnopqrstuvwx';

function post(rkey: string, text: string, o: { did?: string; handle?: string; facets?: unknown[]; likes?: number; replies?: number; labels?: string[] } = {}) {
  const did = o.did ?? `did:plc:${rkey.padEnd(24, 'x')}`;
  return {
    uri: `at://${did}/app.bsky.feed.post/${rkey}`,
    cid: `cid${rkey}`,
    author: { did, handle: o.handle ?? `${rkey}.bsky.social`, displayName: `Name ${rkey}` },
    record: { $type: 'app.bsky.feed.post', text, createdAt: '2025-02-01T10:00:00.000Z', ...(o.facets ? { facets: o.facets } : {}) },
    likeCount: o.likes ?? 0,
    replyCount: o.replies ?? 0,
    repostCount: 0,
    indexedAt: '2025-02-01T10:00:01.000Z',
    ...(o.labels ? { labels: o.labels.map((val) => ({ val })) } : {}),
  };
}

const byteRange = (text: string, part: string) => {
  const start = Buffer.byteLength(text.slice(0, text.indexOf(part)), 'utf8');
  return { byteStart: start, byteEnd: start + Buffer.byteLength(part, 'utf8') };
};

const view = (p: unknown, replies: unknown[] = []) => ({ $type: 'app.bsky.feed.defs#threadViewPost', post: p, replies });

/** The root (by alice, 4 replies claimed) and its replies: facets over multi-byte text, a 40-deep chain, gone and blocked posts. */
export function blueskyThread() {
  const emoji = 'Café ☕ 👩‍💻 read https://example.org/café and ask @bob.test';
  const facets = [
    { index: byteRange(emoji, 'https://example.org/café'), features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://example.org/caf%C3%A9' }] },
    { index: byteRange(emoji, '@bob.test'), features: [{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:bobbobbobbobbobbobbobbob' }] },
    { index: { byteStart: 1, byteEnd: 4 }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://mid-character.example/' }] }, // cuts "é"
    { index: { byteStart: 5, byteEnd: 9999 }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://out-of-range.example/' }] },
    { index: byteRange(emoji, 'read'), features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'javascript:alert(1)' }] },
  ];
  let chain: unknown = view(post('deep40', 'the bottom'));
  for (let d = 39; d >= 1; d--) chain = view(post(`deep${d}`, `level ${d}`, { replies: 1 }), [chain]);
  const root = post('root1', 'Root post about feeds', { did: DID, handle: 'alice.example', replies: 5 });
  const thread = view(root, [
    view(post('r1', emoji, { facets, likes: 7, replies: 2 }), [
      view(post('r1a', 'I agree', { did: DID, handle: 'alice.example' })),
      { $type: 'app.bsky.feed.defs#blockedPost', uri: 'at://did:plc:blocked/app.bsky.feed.post/b1', blocked: true, author: { did: 'did:plc:blocked' } },
    ]),
    { $type: 'app.bsky.feed.defs#notFoundPost', uri: 'at://did:plc:gone/app.bsky.feed.post/g1', notFound: true },
    view(post('r2', `nsfw ${HOSTILE}`, { handle: `h${HOSTILE}`, labels: ['porn'] })),
    chain,
  ]);
  return { thread };
}

export function blueskyRoutes(prefix = '/bsky'): Record<string, Route> {
  return {
    [`${prefix}/xrpc/com.atproto.identity.resolveHandle`]: (url) =>
      url.includes('handle=alice.example') ? json({ did: DID }) : json({ error: 'InvalidRequest' }, { status: 400 }),
    [`${prefix}/xrpc/app.bsky.feed.getPostThread`]: (url) => {
      const q = new URL(url, 'http://x').searchParams;
      if (q.get('uri') !== `at://${DID}/app.bsky.feed.post/root1` || q.get('parentHeight') !== '0' || Number(q.get('depth')) > 1000)
        return json({ error: 'NotFound' }, { status: 400 });
      return json(blueskyThread());
    },
  };
}

// ----------------------------------------------------------------------------------- Discourse

export function discoursePost(
  n: number,
  o: { replyTo?: number | null; user?: string; cooked?: string; likes?: number | 'actions'; deleted?: boolean; hidden?: boolean; userDeleted?: boolean } = {},
) {
  return {
    id: 5000 + n,
    post_number: n,
    username: o.user ?? `u${n}`,
    name: `Name ${n}`,
    created_at: new Date(Date.UTC(2025, 2, 1) + n * 60_000).toISOString(),
    cooked: o.cooked ?? `<p>Post ${n}, see <a href="/u/u${n}">me</a></p>`,
    post_type: 1,
    reply_to_post_number: o.replyTo ?? null,
    ...(o.likes === 'actions' ? { actions_summary: [{ id: 2, count: 4 }] } : { like_count: o.likes ?? 0 }),
    hidden: o.hidden ?? false,
    deleted_at: o.deleted ? '2025-03-02T00:00:00.000Z' : null,
    user_deleted: o.userDeleted ?? false,
  };
}

/**
 * Topic 77 with `total` post numbers; `gaps` are deleted and missing from the stream. Post 1 is the
 * topic (by op); a post replies to the one before it every third post; 7 is deleted-but-sent, 8 hidden,
 * 9 replies to a gap (5), 11 has its likes in actions_summary, 12 is hostile.
 */
export function discourseTopic(total = 45, gaps: number[] = [5, 17, 30]) {
  const numbers = Array.from({ length: total }, (_, i) => i + 1).filter((n) => !gaps.includes(n));
  const posts = new Map<number, ReturnType<typeof discoursePost>>();
  for (const n of numbers) {
    const o: Parameters<typeof discoursePost>[1] = { user: n === 1 ? 'op' : `u${n}`, likes: n % 4, replyTo: n > 2 && n % 3 === 0 ? n - 1 : null };
    if (n === 7) o.deleted = true;
    if (n === 8) o.hidden = true;
    if (n === 9) o.replyTo = 5;
    if (n === 11) o.likes = 'actions';
    if (n === 12) Object.assign(o, { user: `x${HOSTILE}`, cooked: `<p>${HOSTILE}</p>` });
    if (n === 13) o.user = 'op';
    posts.set(n, discoursePost(n, o));
  }
  const ids = numbers.map((n) => 5000 + n);
  return {
    numbers,
    posts,
    ids,
    topic: {
      id: 77,
      title: `Feeds are back ${HOSTILE}`,
      slug: 'feeds-are-back',
      posts_count: numbers.length,
      post_stream: { posts: numbers.slice(0, 20).map((n) => posts.get(n)), stream: ids },
    },
  };
}

export function discourseRoutes(prefix = '/forum', t = discourseTopic(), chunk: (ids: number[]) => Reply | undefined = () => undefined): Record<string, Route> {
  const byId = new Map([...t.posts.values()].map((p) => [p.id, p]));
  return {
    [`${prefix}/t/77.json`]: json(t.topic),
    [`${prefix}/t/77/posts.json`]: (url) => {
      const ids = new URL(url, 'http://x').searchParams.getAll('post_ids[]').map(Number);
      return chunk(ids) ?? json({ post_stream: { posts: ids.map((id) => byId.get(id)).filter(Boolean) }, id: 77 });
    },
  };
}

// ----------------------------------------------------------------------------------- Lemmy

export function lemmyComment(
  id: number,
  path: string,
  o: { content?: string; name?: string; actor?: string; score?: number; children?: number; deleted?: boolean; removed?: boolean } = {},
) {
  return {
    comment: {
      id,
      creator_id: id,
      post_id: 9,
      content: o.content ?? `Comment **${id}**`,
      removed: o.removed ?? false,
      published: '2025-04-01T08:00:00',
      deleted: o.deleted ?? false,
      path,
      ap_id: `{{BASE}}/comment/${id}`,
    },
    creator: { id, name: o.name ?? `c${id}`, actor_id: o.actor ?? `{{BASE}}/u/c${id}` },
    counts: { comment_id: id, score: o.score ?? 1, upvotes: 1, downvotes: 0, child_count: o.children ?? 0 },
  };
}

/** Post 9 by op: 1 -> 2 -> 3; 4 (deleted, with a reply 5); 6 removed; 8 whose parent 7 is missing; 10 hostile Markdown. */
export function lemmyThread() {
  const comments = [
    lemmyComment(1, '0.1', {
      children: 4,
      content: 'First, with <b>raw html</b> and <script>alert(1)</script> and [a link](https://example.org/x)',
      name: 'op',
    }),
    lemmyComment(2, '0.1.2', { children: 3 }),
    lemmyComment(3, '0.1.2.3', { children: 2, actor: 'https://other.example/u/c3' }),
    lemmyComment(4, '0.4', { deleted: true, children: 1, content: '' }),
    lemmyComment(5, '0.4.5'),
    lemmyComment(6, '0.6', { removed: true, content: 'spam' }),
    lemmyComment(8, '0.7.8', { content: 'my parent is gone' }),
    lemmyComment(10, '0.10', { content: `# ${HOSTILE}\n\n> quote ${HOSTILE}\n\n[x](javascript:alert(1))`, name: `n${HOSTILE}` }),
  ];
  return {
    post: {
      post_view: {
        post: { id: 9, name: 'Feeds are back', ap_id: '{{BASE}}/post/9' },
        creator: { name: 'op', actor_id: '{{BASE}}/u/op' },
        counts: { comments: 12 },
      },
    },
    list: { comments },
  };
}

export function lemmyRoutes(): Record<string, Route> {
  const t = lemmyThread();
  return {
    '/api/v3/post': (url) => (url.includes('id=9') ? json(t.post) : json({ error: 'couldnt_find_post' }, { status: 404 })),
    '/api/v3/comment/list': (url) => (url.includes('post_id=9') && url.includes('max_depth=8') ? json(t.list) : json({ comments: [] })),
  };
}
