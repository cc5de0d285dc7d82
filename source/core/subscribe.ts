/**
 * Subscribing to a feed, the one way `broadsheet add` and the reader's `a` both do it: check the feed
 * (fetch and parse it), or name the feed an HTML page links to; add it to the settings file; cache the
 * articles just fetched (as the settings' filters mark them), so they show without a refresh. And
 * unsubscribing, the one way `broadsheet remove` and the reader's `D` do it. The caller words the
 * result for its screen.
 */
import { discoveredUrlOf } from './discover.js';
import { withoutUserinfo } from './feed-auth.js';
import { describeFailure, fetchAndParse } from './refresh.js';
import { normalizeFeedUrl, NOT_A_FEED_LOCATION, SettingsError, updateSettings, type FeedSetting, type LoadedSettings } from './settings.js';
import type { Store } from './store.js';

export type SubscribeResult =
  | {
      kind: 'added';
      /** The feed's own title, '' when it has none. */
      title: string;
      url: string;
      /** Articles in the feed as fetched, now in the cache. */
      articles: number;
      /** These were the first settings: the user's feeds replace the bundled demo feeds from now on. */
      replacedDemo: boolean;
      /** Subscribed, but the articles could not be cached (the next refresh fetches them): why. */
      cacheError?: string;
    }
  | { kind: 'already'; url: string }
  | { kind: 'found-feed'; pageUrl: string; feedUrl: string }
  | { kind: 'failed'; url: string; message: string };

export interface SubscribeRequest {
  /** A URL or a local path, as the user gave it. */
  input: string;
  tag?: string;
  /** An HTML page that links to its feed comes back as 'found-feed' (to offer); otherwise it is 'failed'. */
  discover: boolean;
}

/**
 * Subscribe to `request.input`. On 'added', `loaded` is updated in place (its feeds, and `demo` turns
 * false) and the cache lists the new feed. The cache is opened only after the settings were written: a
 * home that cannot be written must fail naming the settings file, and leave no cache behind.
 * Throws SettingsError when the settings file cannot be changed.
 */
export async function subscribe(loaded: LoadedSettings, store: () => Store, request: SubscribeRequest): Promise<SubscribeResult> {
  let url: string;
  try {
    url = normalizeFeedUrl(request.input);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    return { kind: 'failed', url: withoutUserinfo(request.input.trim()), message: NOT_A_FEED_LOCATION };
  }
  // A user and password in the URL are kept in the settings file as given, and nowhere else: the
  // cache and every message name the feed without them.
  const typed = url;
  url = withoutUserinfo(typed);
  if (!loaded.demo && loaded.settings.feeds.some((f) => f.url === url)) return { kind: 'already', url };

  let checked: Awaited<ReturnType<typeof fetchAndParse>>;
  try {
    checked = await fetchAndParse(typed, loaded.settings.fetch);
  } catch (error) {
    const feedUrl = request.discover ? discoveredUrlOf(error) : null;
    if (feedUrl) return { kind: 'found-feed', pageUrl: url, feedUrl };
    return { kind: 'failed', url, message: describeFailure(error) };
  }

  const entry: FeedSetting = { url: typed, ...(request.tag ? { tags: [request.tag] } : {}) };
  const next = updateSettings(loaded.home, (raw) => {
    // Starting from the demo means starting from an empty list. Another Broadsheet may have added
    // the same feed since the settings were read: keep one entry.
    const feeds = Array.isArray(raw.feeds) ? (raw.feeds as FeedSetting[]) : [];
    raw.feeds = feeds.some((f) => withoutUserinfo(f.url) === url) ? feeds : [...feeds, entry];
  });
  const replacedDemo = loaded.demo;
  loaded.settings.feeds = next.feeds;
  loaded.demo = false;

  const result: SubscribeResult = { kind: 'added', title: checked.feed.title, url, articles: checked.feed.articles.length, replacedDemo };
  try {
    const cache = store();
    cache.syncFeeds(next.feeds);
    // The articles just fetched are new too: the filters judge them as a refresh would.
    const marks = next.filters.length ? (await import('./filters.js')).filterFeed(cache, url, checked.feed, next.filters).decisions : undefined;
    cache.saveFeed(url, checked.feed, { etag: checked.etag, lastModified: checked.lastModified, broken: checked.broken, ...(marks ? { marks } : {}) });
    await cache.catchUpSearch(100);
  } catch (error) {
    result.cacheError = describeFailure(error);
  }
  return result;
}

export type UnsubscribeResult = { kind: 'removed'; url: string } | { kind: 'not-subscribed'; url: string };

/**
 * Take a feed out of the settings file (`input` with or without the user and password its URL may
 * carry). Its cached articles stay, the feed marked inactive, so subscribing again brings back their
 * read and starred state. `loaded` is updated in place; `store`, when given, stops listing the feed at
 * once (the reader). Throws SettingsError when the settings file cannot be changed.
 */
export function unsubscribe(loaded: LoadedSettings, input: string, store?: Store): UnsubscribeResult {
  const url = withoutUserinfo(/^(https?|file):/i.test(input) ? input : normalizeFeedUrl(input));
  if (loaded.demo || !loaded.settings.feeds.some((f) => f.url === url)) return { kind: 'not-subscribed', url };
  const next = updateSettings(loaded.home, (raw) => {
    const feeds = Array.isArray(raw.feeds) ? (raw.feeds as FeedSetting[]) : [];
    raw.feeds = feeds.filter((f) => withoutUserinfo(f.url) !== url);
  });
  loaded.settings.feeds = next.feeds;
  store?.syncFeeds(next.feeds);
  return { kind: 'removed', url };
}
