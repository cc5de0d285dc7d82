/**
 * How many of the articles that are discussed somewhere show that discussion (issue 10, "What it is
 * for"), on a mix of feeds of every kind, offline.
 *
 * The feeds: real ones from test/fixtures/corpus (WordPress, Blogger, TypePad, news sites, RSS 1.0,
 * GitHub releases) and, for the kinds no public capture holds, feeds written here in each platform's
 * own URL shapes (Substack, Ghost, Medium, Hugo, Jekyll, YouTube, a FeedBurner proxy with
 * `feedburner:origLink`, a news site that tags its feed links with `utm_*`). Each is parsed by
 * Broadsheet's own parser (core/parse.ts, bundled as the reader ships it).
 *
 * Where they are discussed is made up, seeded, and said plainly in the notes: each article with a
 * public host is discussed with probability 0.6, on Hacker News (0.6), Reddit (0.6, sometimes in two
 * subreddits) and Lobsters (0.25), at least one. Each submission's URL is the page's address (the
 * original link, without the tracking parameters feeds add: `utm_*`, heise's `wt_mc`, Medium's
 * `source=rss…`) written the way people submit it: as is, with share-button `utm_*` or a click id,
 * the other scheme, a trailing slash added or dropped, a fragment, `www.` added or dropped, and for
 * YouTube the `youtu.be/ID` short form.
 *
 * The three stand-ins on 127.0.0.1 match as the services' own code does: Algolia by words of the
 * URL with typo tolerance (so near misses come back), Reddit exactly but for the host's case, `www.`
 * and the fragment (and one promoted ad in some answers), Lobsters after its own normalization. Each
 * article is then looked up with core/discussions.ts's lookupDiscussions and lookupUrls, exactly as
 * the reader asks (no rate limits: they change when, not what, is found). Printed: per feed kind and
 * per way of submitting, how many discussions were found; and every thread shown that is not the
 * article's (there should be none).
 *
 * Usage: npm run bench -- --only coverage [--coverage-seed N] [--coverage-per-feed N]
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, bundleCore, eachOption, loadAverage, round, runAsScript } from './lib.mjs';
import { prng } from './prng.mjs';

const CORPUS = [
  ['WordPress', 'wordpress/feed-rs_rss_2.0_ch9.xml'],
  ['WordPress', 'wordpress/feed-rs_rss_2.0_wirecutter.xml'],
  ['WordPress', 'wordpress/manton.rss'],
  ['WordPress', 'wordpress/natasha.xml'],
  ['Blogger', 'blogger/4fsodonline-posts.atom'],
  ['TypePad / Atom blog', 'atom-threading/expertopinionent-typepad.atom'],
  ['TypePad / Atom blog', 'atom-threading/intertwingly.atom'],
  ['news site', 'rss-parser-golden/input/heise.atom'],
  ['news site', 'rss-parser-golden/input/uolNoticias.rss'],
  ['RSS 1.0', 'rdf/feed-rs_rss_1.0_debian.xml'],
  ['GitHub releases', 'rss-parser-golden/input/gulp-atom.atom'],
];

/** Feeds in each platform's URL shapes, for the kinds no public capture holds. */
function writtenFeeds() {
  const slugs = [
    'why-terminals-still-matter',
    'a-year-of-plain-text',
    'the-cost-of-a-frame',
    'reading-feeds-again',
    'on-threaded-replies',
    'small-tools-well-made',
    'notes-on-caching',
    'what-the-web-forgot',
  ];
  const rss = (title, items) =>
    `<?xml version="1.0"?><rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel><title>${title}</title><link>https://x.invalid/</link>${items
      .map(
        (it, i) =>
          `<item><title>${it.title ?? slugs[i]}</title><link>${it.link.replace(/&/g, '&amp;')}</link>${it.origLink ? `<feedburner:origLink>${it.origLink}</feedburner:origLink>` : ''}<guid>${i}-${it.link.replace(/&/g, '&amp;')}</guid><pubDate>Mon, 30 Nov 2026 0${i}:00:00 GMT</pubDate></item>`,
      )
      .join('')}</channel></rss>`;
  const atom = (title, entries) =>
    `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:yt="http://www.youtube.com/xml/schemas/2015"><title>${title}</title><id>urn:x</id><updated>2026-11-30T00:00:00Z</updated>${entries
      .map(
        (e, i) =>
          `<entry><id>yt:video:${i}</id><title>${e.title}</title><link rel="alternate" href="${e.link}"/><updated>2026-11-30T0${i}:00:00Z</updated></entry>`,
      )
      .join('')}</feed>`;
  const ids = ['dQw4w9WgXcQ', 'M7lc1UVf-VE', 'aqz-KE-bpKQ', 'jNQXAC9IVRw', 'ScMzIvxBSi4', 'kJQP7kiw5Fk', 'YbJOTdZBX1g', 'e-ORhEE9VVg'];
  return [
    [
      'Substack',
      rss(
        'Inkwell',
        slugs.map((s) => ({ link: `https://inkwell.substack.com/p/${s}` })),
      ),
    ],
    [
      'Ghost',
      rss(
        'Ghostly journal',
        slugs.map((s) => ({ link: `https://journal.ghostly.blog/${s}/` })),
      ),
    ],
    [
      'Medium',
      rss(
        'Medium writer',
        slugs.map((s, i) => ({ link: `https://medium.com/@writer/${s}-${(0x1a2b3c4d5e6f + i).toString(16)}?source=rss-8d2f3e1c------2` })),
      ),
    ],
    [
      'Hugo',
      rss(
        'Hugo notes',
        slugs.map((s) => ({ link: `https://notes.hugosite.dev/posts/${s}/` })),
      ),
    ],
    [
      'Jekyll',
      rss(
        'Jekyll blog',
        slugs.map((s, i) => ({ link: `https://jekyll.blogsite.net/2026/11/${20 + i}/${s}.html` })),
      ),
    ],
    [
      'YouTube',
      atom(
        'A channel',
        ids.map((id, i) => ({ title: `Video ${i}`, link: `https://www.youtube.com/watch?v=${id}` })),
      ),
    ],
    [
      'FeedBurner proxy',
      rss(
        'Proxied blog',
        slugs.map((s, i) => ({
          link: `https://feedproxy.google.com/~r/ProxiedBlog/~3/${(1000 + i).toString(36)}/`,
          origLink: `https://www.proxiedblog.com/2026/11/${s}/`,
        })),
      ),
    ],
    [
      'news site (utm in feed)',
      rss(
        'Daily news',
        slugs.map((s) => ({ link: `https://www.dailynews-world.co.uk/world/2026/nov/30/${s}?utm_source=rss&utm_medium=feed` })),
      ),
    ],
  ];
}

/** The page's address as a reader's browser shows it: the original link, without the feed's tracking. */
function pageUrl(article) {
  const u = new URL(article.origLink || article.link);
  for (const key of [...u.searchParams.keys()]) {
    if (key.startsWith('utm_') || key === 'wt_mc' || (key === 'source' && u.searchParams.get(key).startsWith('rss'))) u.searchParams.delete(key);
  }
  return u.href;
}

const WAYS = [
  ['as is', 0.5, (u) => u],
  ['with share-button utm_*', 0.1, (u) => withQuery(u, 'utm_source=twitter&utm_medium=social')],
  ['with a click id', 0.05, (u) => withQuery(u, 'fbclid=IwAR0abc123')],
  ['the other scheme', 0.1, (u) => (u.startsWith('https:') ? `http:${u.slice(6)}` : `https:${u.slice(5)}`)],
  ['trailing slash added or dropped', 0.1, toggleSlash],
  ['with a fragment', 0.05, (u) => `${u.split('#')[0]}#comments`],
  ['www. added or dropped', 0.05, toggleWww],
  ['upper-case host', 0.05, (u) => u.replace(/^(https?:\/\/)([^/]+)/, (_, s, h) => s + h.toUpperCase())],
];

function withQuery(u, extra) {
  const url = new URL(u);
  url.search = url.search ? `${url.search}&${extra}` : `?${extra}`;
  return url.href;
}
function toggleSlash(u) {
  const url = new URL(u);
  if (url.pathname === '/') return u;
  // Nobody writes `post.html/`: a file name only loses nothing.
  if (/\.[a-z0-9]{1,5}$/i.test(url.pathname)) return u;
  url.pathname = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : `${url.pathname}/`;
  return url.href;
}
function toggleWww(u) {
  const url = new URL(u);
  url.hostname = url.hostname.startsWith('www.') ? url.hostname.slice(4) : `www.${url.hostname}`;
  return url.href;
}

/** How one submission writes the page's URL: a way from WAYS, or YouTube's short form. */
function submitAs(random, page) {
  const video = /^https:\/\/www\.youtube\.com\/watch\?v=([\w-]+)$/.exec(page);
  if (video && random() < 0.3) return ['youtu.be short link', `https://youtu.be/${video[1]}`];
  let r = random();
  for (const [name, p, write] of WAYS) {
    if (r < p) return [name, write(page)];
    r -= p;
  }
  return ['as is', page];
}

// ------------------------------------------------------------------------------ the stand-ins

const words = (u) =>
  decodeURIComponent(u)
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w && w !== 'www');
/** Reddit's own merge: the host's case, `www.` and the fragment; scheme, path and query as given. */
function redditKey(u) {
  const url = new URL(u);
  return `${url.protocol}//${url.host.toLowerCase().replace(/^www\./, '')}${url.pathname}${url.search}`;
}
/** Lobsters' normalization: no scheme, fragment, trailing slash, `.html`, `/index`, `www.`; query sorted. */
function lobstersKey(u) {
  const url = new URL(u);
  const query = [...url.searchParams].map(([k, v]) => `${k}=${v}`).sort();
  const p = url.pathname
    .replace(/\/index(\.html?)?$/, '')
    .replace(/\.html?$/, '')
    .replace(/\/+$/, '');
  return `${url.host.toLowerCase().replace(/^www\./, '')}${p}${query.length ? `?${query.join('&')}` : ''}`;
}

function startStandIns(submissions) {
  const by = (service) => submissions.filter((s) => s.service === service);
  const hn = by('hackernews');
  const reddit = by('reddit');
  const lobsters = by('lobsters');
  const served = { nearMisses: 0, ads: 0, requests: 0 };
  let adNo = 0;
  const answer = (url) => {
    const q = url.searchParams;
    switch (url.pathname) {
      case '/hn/search': {
        // Full text over the url attribute, typo tolerant: every word but one is enough.
        const want = words(q.get('query') ?? '');
        const scored = hn
          .map((s) => {
            const have = new Set(words(s.url));
            return { s, missing: want.filter((w) => !have.has(w)).length };
          })
          .filter((x) => want.length >= 2 && x.missing <= 1)
          .sort((a, b) => a.missing - b.missing);
        served.nearMisses += scored.filter((x) => x.missing > 0).length;
        return {
          hits: scored
            .slice(0, 20)
            .map(({ s }) => ({ objectID: String(s.id), title: s.title, url: s.url, points: 10, num_comments: s.comments, created_at_i: 1796000000 })),
        };
      }
      case '/reddit/api/info.json': {
        const key = redditKey(q.get('url'));
        const children = reddit
          .filter((s) => redditKey(s.url) === key)
          .map((s) => ({
            kind: 't3',
            data: {
              id: s.id,
              name: `t3_${s.id}`,
              title: s.title,
              url: s.url,
              score: 5,
              num_comments: s.comments,
              created_utc: 1796000000,
              permalink: `/r/${s.where}/comments/${s.id}/x/`,
              subreddit_name_prefixed: `r/${s.where}`,
            },
          }));
        if (adNo++ % 3 === 0) {
          served.ads++;
          children.push({
            kind: 't3',
            data: {
              id: `ad${adNo}`,
              title: 'An ad',
              url: q.get('url'),
              promoted: true,
              permalink: `/user/adv/comments/ad${adNo}/x/`,
              num_comments: 0,
              score: 1,
            },
          });
        }
        return { kind: 'Listing', data: { children } };
      }
      case '/lobsters/stories/url/all.json': {
        const key = lobstersKey(q.get('url'));
        return lobsters
          .filter((s) => lobstersKey(s.url) === key)
          .map((s) => ({
            short_id: s.id,
            title: s.title,
            url: s.url,
            score: 3,
            comment_count: s.comments,
            created_at: '2026-11-30T00:00:00Z',
            comments_url: `https://lobste.rs/s/${s.id}/x`,
            submitter_user: 'someone',
          }));
      }
      default:
        return null;
    }
  };
  const server = http.createServer((req, res) => {
    served.requests++;
    const body = answer(new URL(req.url, 'http://127.0.0.1'));
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, served, port: server.address().port })));
}

// ------------------------------------------------------------------------------ the run

async function loadCore(root) {
  // Inside the package (core finds its folder by walking up from the module at import).
  const outfile = path.join(root, 'node_modules/.cache/broadsheet-bench/coverage-core.mjs');
  await bundleCore(root, outfile, [
    "export { parseFeedDetailed } from './source/core/parse.ts';",
    "export { lookupDiscussions, lookupUrls } from './source/core/discussions.ts';",
    "export { isUnsubmittableHost, urlIdentity } from './source/core/discussions/url-identity.ts';",
  ]);
  return import(pathToFileURL(outfile).href);
}

/** `source:id` of a thread, from its web URL. */
function threadKey(ref) {
  const id = /item\?id=(\d+)/.exec(ref.url)?.[1] ?? /\/comments\/(\w+)/.exec(ref.url)?.[1] ?? /\/s\/(\w+)/.exec(ref.url)?.[1];
  return `${ref.source}:${id}`;
}

export async function run({ log = (t) => process.stderr.write(t + '\n'), argv = [], root = path.resolve(BENCH_DIR, '../..') } = {}) {
  const o = { seed: 10, perFeed: 15 };
  eachOption(argv, (key, { int }) => {
    if (key === '--coverage-seed') o.seed = int();
    else if (key === '--coverage-per-feed') o.perFeed = int();
  });
  const rows = [];
  const note = (key, value) => rows.push({ table: 'notes', key, value: String(value) });
  note('load average at start', loadAverage());
  let stand;
  try {
    const core = await loadCore(root);
    const feeds = [
      ...CORPUS.map(([kind, file]) => [kind, fs.readFileSync(path.join(root, 'test/fixtures/corpus', file), 'utf8'), file]),
      ...writtenFeeds().map(([kind, text]) => [kind, text, `(written here: ${kind})`]),
    ];
    const random = prng(o.seed);
    const articles = [];
    const submissions = [];
    let next = 1;
    let unsubmittable = 0;
    for (const [kind, text, file] of feeds) {
      const { feed } = core.parseFeedDetailed(text, `https://feeds.invalid/${encodeURIComponent(file)}`);
      for (const a of feed.articles.slice(0, o.perFeed)) {
        let page;
        try {
          page = pageUrl(a);
        } catch {
          continue;
        }
        if (core.isUnsubmittableHost(new URL(page).hostname)) {
          unsubmittable++;
          continue;
        }
        const article = { kind, link: a.link, origLink: a.origLink ?? '', page, truth: [] };
        articles.push(article);
        if (random() >= 0.6) continue;
        const on = [];
        if (random() < 0.6) on.push('hackernews');
        if (random() < 0.6) on.push('reddit', ...(random() < 0.3 ? ['reddit'] : []));
        if (random() < 0.25) on.push('lobsters');
        if (on.length === 0) on.push(['hackernews', 'reddit', 'lobsters'][Math.floor(random() * 3)]);
        for (const service of on) {
          const [way, url] = submitAs(random, page);
          const id = service === 'hackernews' ? String(40_000_000 + next++) : (next++).toString(36).padStart(5, 'q');
          const s = {
            service,
            id,
            url,
            way,
            title: `Submission ${id}`,
            comments: 1 + Math.floor(random() * 300),
            where: service === 'reddit' ? (random() < 0.5 ? 'programming' : 'technology') : '',
            article,
          };
          submissions.push(s);
          article.truth.push(s);
        }
      }
    }
    stand = await startStandIns(submissions);
    const base = `http://127.0.0.1:${stand.port}`;
    const settings = {
      sources: { hackernews: { api: `${base}/hn` }, reddit: { base: `${base}/reddit` }, lobsters: { base: `${base}/lobsters` } },
      fetch: { timeoutSeconds: 10, maxBytes: 5_000_000 },
    };
    // Eight articles at a time, each asked as the reader asks: when it opens (its link and original
    // link), and once its page has been read (the pane, or a fullText feed), with the address the page
    // gives itself. That the page's canonical link is its address is assumed: WordPress, Ghost, Medium,
    // Substack, Blogger and the news sites here all write one.
    const MOMENTS = [
      ['opened', (a) => core.lookupUrls({ link: a.link, origLink: a.origLink })],
      ['page read', (a) => core.lookupUrls({ link: a.link, origLink: a.origLink, pageAddress: a.page })],
    ];
    let strangers = 0;
    for (const [moment, urlsOf] of MOMENTS) {
      const queue = [...articles];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let a = queue.shift(); a; a = queue.shift()) {
            const result = await core.lookupDiscussions(urlsOf(a), { services: ['hackernews', 'reddit', 'lobsters'], settings });
            const failed = result.services.filter((s) => s.error).map((s) => `${s.service}: ${s.error}`);
            if (failed.length) throw new Error(`lookups failed: ${failed.join('; ')}`);
            const shown = new Set(result.discussions.map(threadKey));
            const truth = new Set(a.truth.map((s) => `${s.service}:${s.id}`));
            for (const s of a.truth) s[moment] = shown.has(`${s.service}:${s.id}`);
            strangers += [...shown].filter((k) => !truth.has(k)).length;
          }
        }),
      );
    }

    const pct = (n, d) => (d ? `${round((100 * n) / d, 1)} %` : '—');
    const discussed = articles.filter((a) => a.truth.length > 0);
    const shownOf = (list, moment) => list.filter((a) => a.truth.some((s) => s[moment])).length;
    const both = (list) => ({
      'shown when opened': `${shownOf(list, 'opened')} (${pct(shownOf(list, 'opened'), list.length)})`,
      'once its page is read': `${shownOf(list, 'page read')} (${pct(shownOf(list, 'page read'), list.length)})`,
    });
    const kinds = [...new Set(articles.map((a) => a.kind))];
    const table = '1. articles discussed somewhere that show a discussion';
    for (const kind of kinds) {
      const d = discussed.filter((a) => a.kind === kind);
      rows.push({ table, 'feed kind': kind, articles: articles.filter((a) => a.kind === kind).length, discussed: d.length, ...both(d) });
    }
    const most = (moment) => shownOf(discussed, moment) * 2 > discussed.length;
    rows.push({
      table,
      'feed kind': 'all',
      articles: articles.length,
      discussed: discussed.length,
      ...both(discussed),
      target: 'most',
      result: most('opened') && most('page read') ? 'PASS' : 'FAIL',
    });
    const every = (moment) => discussed.filter((a) => a.truth.every((s) => s[moment])).length;
    rows.push({
      table,
      'feed kind': 'all (every thread of the article found)',
      articles: '',
      discussed: discussed.length,
      'shown when opened': `${every('opened')} (${pct(every('opened'), discussed.length)})`,
      'once its page is read': `${every('page read')} (${pct(every('page read'), discussed.length)})`,
    });

    const found = (list) => ({
      'found when opened': `${list.filter((s) => s.opened).length} (${pct(list.filter((s) => s.opened).length, list.length)})`,
      'once its page is read': `${list.filter((s) => s['page read']).length} (${pct(list.filter((s) => s['page read']).length, list.length)})`,
    });
    for (const way of [...new Set(submissions.map((s) => s.way))]) {
      const list = submissions.filter((s) => s.way === way);
      rows.push({ table: '2. submissions found, by how their URL was written', submitted: way, submissions: list.length, ...found(list) });
    }
    for (const service of ['hackernews', 'reddit', 'lobsters']) {
      const list = submissions.filter((s) => s.service === service);
      rows.push({ table: '3. submissions found, by service', service, submissions: list.length, ...found(list) });
    }
    // Why each submission not found was missed, from the rules that decide it.
    const cause = (s, withPage) => {
      const id = core.urlIdentity(s.url);
      const asked = [s.article.link, s.article.origLink, ...(withPage ? [s.article.page] : [])].filter(Boolean).map((u) => core.urlIdentity(u));
      if (core.urlIdentity(s.article.page) !== null && !asked.includes(core.urlIdentity(s.article.page)))
        return "the feed's link carries the site's own tracking (heise's wt_mc, Medium's source=rss…), the page's address does not";
      if (!asked.includes(id)) return s.way === 'youtu.be short link' ? 'another host: youtu.be' : 'another host: www. (the identity keeps it)';
      if (s.service === 'reddit') return 'Reddit matches exactly: a tracking parameter nobody can guess';
      if (s.service === 'lobsters') return 'Lobsters keeps utm_* in its match';
      return 'other';
    };
    for (const [moment, withPage] of [
      ['opened', false],
      ['page read', true],
    ]) {
      const causes = new Map();
      for (const s of submissions.filter((x) => !x[moment])) causes.set(cause(s, withPage), [...(causes.get(cause(s, withPage)) ?? []), s]);
      for (const [why, list] of [...causes].sort((a, b) => b[1].length - a[1].length)) {
        rows.push({
          table: `4. submissions not found (${moment === 'opened' ? 'when opened' : 'once the page is read'}), by why`,
          why,
          submissions: list.length,
          example: `${list[0].service}: ${list[0].url}`,
        });
      }
    }
    note(
      'feeds',
      `${CORPUS.length} from test/fixtures/corpus, ${writtenFeeds().length} written in their platforms' URL shapes; up to ${o.perFeed} articles each; ${unsubmittable} articles on reserved or local hosts left out`,
    );
    note(
      'made up (seed ' + o.seed + ')',
      'discussed with p 0.6: HN 0.6, Reddit 0.6 (a second subreddit 0.3), Lobsters 0.25; URLs written as in table 2 (as is 0.5, share utm 0.1, click id 0.05, other scheme 0.1, slash 0.1, fragment 0.05, www 0.05, host case 0.05; YouTube short links 0.3)',
    );
    note("threads shown that are not the article's", strangers);
    note('near misses Algolia answered, ads Reddit answered (all must be dropped)', `${stand.served.nearMisses}, ${stand.served.ads}`);
    note('requests', stand.served.requests);
    note('load average at end', loadAverage());
    return rows;
  } finally {
    stand?.server.close();
  }
}

await runAsScript(import.meta.url, run);
