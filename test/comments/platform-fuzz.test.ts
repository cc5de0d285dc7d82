/**
 * Seeded mutations of the platform fixtures through each adapter's parser, the thread finder and the
 * renderers: no exception but DiscussionError, and no control, C1 or bidi character in any output.
 */
import { describe, expect, it } from 'vitest';
import { prng } from '../../source/bench/prng.mjs';
import { parseBluesky } from '../../source/core/comments/bluesky.js';
import { parseDiscourse } from '../../source/core/comments/discourse.js';
import { DiscussionError } from '../../source/core/comments/errors.js';
import { findThreads } from '../../source/core/comments/find-thread.js';
import { commentsJsonText, commentsPlain } from '../../source/core/comments.js';
import { parseLemmy } from '../../source/core/comments/lemmy.js';
import { markdownToHtml } from '../../source/core/comments/markdown.js';
import { parseMastodon } from '../../source/core/comments/mastodon.js';
import type { Discussion } from '../../source/core/comments/types.js';
import { HOSTILE, UNSAFE, allStrings, blueskyThread, discourseTopic, lemmyThread, mastodonThread } from './platform-fixtures.js';

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const VALUES = (rng: Rng): unknown[] => [
  null,
  undefined,
  true,
  0,
  -1,
  1e308,
  Number.NaN,
  2 ** 53,
  '',
  HOSTILE,
  '<p>\x1b]0;t\x07</p>',
  'at://x/app.bsky.feed.post/y',
  '0.1.2.3',
  '0.',
  '..',
  'did:plc:x',
  'javascript:alert(1)',
  [],
  {},
  [HOSTILE],
  { $type: 'app.bsky.feed.defs#threadViewPost' },
  { id: 1 },
  Math.floor(rng() * 50),
];

/** A copy of `value` with a few of its fields replaced, removed or duplicated (iterative walk). */
function mutate(rng: Rng, value: unknown): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  const slots: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const stack: unknown[] = [copy];
  while (stack.length > 0 && slots.length < 20_000) {
    const v = stack.pop();
    if (Array.isArray(v)) v.forEach((x, i) => (slots.push([v, i]), stack.push(x)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) slots.push([v as Record<string, unknown>, k]), stack.push(x);
  }
  const n = 1 + Math.floor(rng() * 6);
  for (let i = 0; i < n && slots.length; i++) {
    const [holder, key] = pick(rng, slots);
    const r = rng();
    if (r < 0.15) delete (holder as Record<string, unknown>)[key as string];
    else if (r < 0.25) (holder as Record<string, unknown>)[key as string] = structuredClone(copy);
    else (holder as Record<string, unknown>)[key as string] = pick(rng, VALUES(rng));
  }
  return copy;
}

function checkOutput(d: Omit<Discussion, 'fetchedAt'>) {
  const full = { ...d, fetchedAt: 0 };
  for (const s of allStrings(full)) expect(s).not.toMatch(UNSAFE);
  expect(commentsPlain(full, 60).join('\n')).not.toMatch(UNSAFE);
  expect(commentsJsonText(full)).not.toMatch(UNSAFE);
}

const mastodonRef = { source: 'mastodon' as const, id: '100', base: 'https://social.example', pageUrl: 'https://social.example/@alice/100' };
const lemmyRef = { source: 'lemmy' as const, id: '9', base: 'https://lemmy.example', pageUrl: 'https://lemmy.example/post/9' };
const discourseRef = { source: 'discourse' as const, id: '77', base: 'https://forum.example', pageUrl: 'https://forum.example/t/x/77' };
const blueskyRef = { source: 'bluesky' as const, id: 'alice.example/root1', pageUrl: 'https://bsky.app/profile/alice.example/post/root1' };

const CASES = 60;

describe('platform parsers under seeded mutation', () => {
  it.each([1, 2])('seed %i', (seed) => {
    const rng = prng(seed);
    const m = mastodonThread();
    const l = lemmyThread();
    const b = blueskyThread();
    const t = discourseTopic(60, [4, 9]);
    let parsed = 0;
    for (let i = 0; i < CASES; i++) {
      const runs: Array<() => Omit<Discussion, 'fetchedAt'>> = [
        () => parseMastodon(mutate(rng, m.status), mutate(rng, m.context), mastodonRef),
        () => parseLemmy(mutate(rng, l.post), mutate(rng, l.list), lemmyRef, markdownToHtml),
        () => parseBluesky(mutate(rng, b), blueskyRef),
        () =>
          parseDiscourse(mutate(rng, t.topic) as Record<string, unknown>, mutate(rng, [...t.posts.values()]) as unknown[], discourseRef, { streamLength: 58 }),
      ];
      for (const run of runs) {
        try {
          checkOutput(run());
          parsed++;
        } catch (error) {
          if (!(error instanceof DiscussionError)) throw error;
          expect(error.message).not.toMatch(UNSAFE);
        }
      }
    }
    expect(parsed).toBeGreaterThan(CASES * 3);
  });

  it('the finder on mutated article HTML never throws and names only http(s) pages', () => {
    const rng = prng(3);
    const pieces = [
      '<p>',
      '</p>',
      '<div class="comments">',
      '</div>',
      '<a href="https://social.example/@me/1">Comments</a>',
      '<a href="/post/2">reply</a>',
      '<script>DiscourseEmbed = { discourseUrl: "https://f.example/", topicId: 5 };</script>',
      '<blockquote>',
      HOSTILE,
      '<a href="javascript:x//@a/1">Comments</a>',
      '<link rel="alternate" type="application/rss+xml" title="X Comments Feed" href="/p/feed/">',
      '&#27;[2J',
      '<a href=',
      '"',
      "'",
      '>',
    ];
    for (let i = 0; i < 400; i++) {
      const html = Array.from({ length: 1 + Math.floor(rng() * 30) }, () => pick(rng, pieces)).join('');
      for (const found of findThreads(html, 'https://blog.example/post/')) {
        expect(found.url).toMatch(/^https?:\/\/[\x21-\x7e]+$/);
        expect(found.title ?? '').not.toMatch(UNSAFE);
      }
    }
  });
});
