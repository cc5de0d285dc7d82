/**
 * The comment systems blogs use now — Mastodon (and servers speaking its API), Bluesky, Discourse and
 * Lemmy — behind one door: which URL is whose thread (`matchPlatformUrl`), and fetching one
 * (`fetchPlatform`). Each adapter is a file of its own; unlike Hacker News, Reddit and Lobsters these
 * live on any host, so a URL of the right shape is only a guess that the first answer confirms
 * (remote.ts), and each thread takes several requests, made here rather than in a parse worker.
 */
import type { Settings } from '../settings.js';
import { fetchBluesky, matchBlueskyUrl, type BlueskyRef } from './bluesky.js';
import { discourseTopicUrl, fetchDiscourse, matchDiscourseUrl, type DiscourseRef } from './discourse.js';
import { fetchLemmy, lemmyPostUrl, matchLemmyUrl, type LemmyRef } from './lemmy.js';
import { fetchMastodon, mastodonStatusUrl, matchMastodonUrl, type MastodonRef } from './mastodon.js';
import type { FetchContext } from './net.js';
import type { Discussion, PlatformSource } from './types.js';

export type PlatformRef = MastodonRef | BlueskyRef | DiscourseRef | LemmyRef;

export const PLATFORM_SOURCES: readonly PlatformSource[] = ['mastodon', 'bluesky', 'discourse', 'lemmy'];

export const isPlatform = (source: string): source is PlatformSource => (PLATFORM_SOURCES as readonly string[]).includes(source);

/** What matching needs from the settings: the web host of Bluesky post URLs. */
export interface MatchOptions {
  sources?: { bluesky?: { web?: string } };
}

/** The pane's "N comments on …". */
export const PLATFORM_NAMES: Record<PlatformSource, string> = { mastodon: 'Mastodon', bluesky: 'Bluesky', discourse: 'Discourse', lemmy: 'Lemmy' };

/**
 * A thread URL of one of the platforms -> its ref. Bluesky first (its host is known); then the shapes,
 * which do not overlap: `/@user/<digits>` and `/users/…/statuses/…` (Mastodon), `/t/…/<digits>`
 * (Discourse), `/post/<digits>` (Lemmy).
 */
export function matchPlatformUrl(url: URL, options: MatchOptions = {}): PlatformRef | null {
  return matchBlueskyUrl(url, options.sources?.bluesky?.web) ?? matchMastodonUrl(url) ?? matchDiscourseUrl(url) ?? matchLemmyUrl(url);
}

/** The first URL a platform thread is fetched from (for messages and `discussionFetchUrl`). */
export function platformApiUrl(ref: { source: PlatformSource; id: string; base?: string }, sources: Pick<Settings['sources'], 'bluesky'>): string {
  const base = ref.base ?? '';
  switch (ref.source) {
    case 'mastodon':
      return mastodonStatusUrl(base, ref.id);
    case 'discourse':
      return discourseTopicUrl(base, ref.id);
    case 'lemmy':
      return lemmyPostUrl(base, ref.id);
    case 'bluesky':
      return `${sources.bluesky.api.replace(/\/+$/, '')}/xrpc/app.bsky.feed.getPostThread`;
  }
}

/**
 * Load what a platform's thread needs before its first request: Lemmy's Markdown parser (a chunk of its
 * own, which took part of the first frame when loaded with the thread). The reader calls this as an
 * article with such a thread opens; errors are left to the load itself.
 */
export function preparePlatform(source: PlatformSource): void {
  if (source === 'lemmy') import('./markdown.js').catch(() => {});
}

/** Fetch and thread a platform discussion (several requests; see each adapter). */
export async function fetchPlatform(
  ref: { source: PlatformSource; id: string; base?: string; pageUrl: string },
  ctx: FetchContext,
  sources: Pick<Settings['sources'], 'bluesky'>,
): Promise<Omit<Discussion, 'fetchedAt'>> {
  const base = ref.base ?? '';
  switch (ref.source) {
    case 'mastodon':
      return fetchMastodon({ source: 'mastodon', id: ref.id, base, pageUrl: ref.pageUrl }, ctx);
    case 'discourse':
      return fetchDiscourse({ source: 'discourse', id: ref.id, base, pageUrl: ref.pageUrl }, ctx);
    case 'lemmy':
      return fetchLemmy({ source: 'lemmy', id: ref.id, base, pageUrl: ref.pageUrl }, ctx);
    case 'bluesky':
      return fetchBluesky({ source: 'bluesky', id: ref.id, pageUrl: ref.pageUrl }, ctx, sources.bluesky);
  }
}
