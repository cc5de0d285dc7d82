/**
 * A Tiny Tiny RSS client (API level 15, the server in Debian 12): JSON POSTs to `${url}api/` with `op`
 * and the session id. Sessions are bound to the User-Agent, so every request sends the same one; a
 * NOT_LOGGED_IN answer (a session the server expired) logs in again once and repeats the request.
 *
 * Requests per sync, by design: getCategories and getFeeds (the feed list and each feed's unread count);
 * getHeadlines since the highest article id seen, 200 a page with bodies; then the states: the
 * "recently read" feed (reads made elsewhere), the unread ids of only those feeds whose unread count
 * differs from the cache's, and the starred feed. A sync with nothing new is about six requests.
 */
import { decodeHTML } from 'entities';
import { postJson, USER_AGENT } from '../http.js';
import { safeUrl, sanitizeLine, sanitizeText } from '../sanitize.js';
import type { Article } from '../types.js';
import { readPassword } from './password.js';
import {
  SyncError,
  type LocalView,
  type MarkBatch,
  type RemoteArticle,
  type RemoteFeed,
  type StateReport,
  type SubscribeOutcome,
  type SyncBackend,
} from './types.js';

export interface TtrssOptions {
  url: string;
  user: string;
  passwordCommand: string;
  timeoutMs: number;
  maxBytes: number;
  /** The password source; defaults to running passwordCommand (tests pass their own). */
  password?: () => Promise<string>;
}

/** getHeadlines sends at most this many rows per request. */
const PAGE = 200;
/** Pages of new articles asked for at once during a large sync. */
const PARALLEL_PAGES = 3;
/** Virtual feeds of the API. */
const ALL_ARTICLES = -4;
const STARRED = -1;
const RECENTLY_READ = -6;

interface Headline {
  id: number;
  guid?: string;
  unread: boolean;
  marked: boolean;
  updated: number;
  title: string;
  link: string;
  feed_id: number | string;
  author?: string;
  content?: string;
  comments_link?: string;
  comments_count?: number;
}

export class TtrssBackend implements SyncBackend {
  readonly label: string;
  readonly account: string;
  readonly batchSize = 200;
  requests = 0;
  private readonly api: string;
  private sid: string | null = null;
  private serverUnread = new Map<string, number>();

  constructor(private readonly options: TtrssOptions) {
    const base = options.url.endsWith('/') ? options.url : `${options.url}/`;
    this.api = `${base}api/`;
    this.label = `Tiny Tiny RSS at ${base}`;
    this.account = `ttrss ${base} ${options.user}`;
  }

  async subscriptions(): Promise<RemoteFeed[]> {
    const categories = (await this.call('getCategories', { include_empty: true })) as { id: number | string; title: string }[];
    const names = new Map(categories.map((c) => [Number(c.id), sanitizeLine(decodeHTML(String(c.title ?? '')))]));
    const feeds = (await this.call('getFeeds', { cat_id: -3 })) as { id: number; feed_url: string; title: string; cat_id: number; unread: number }[];
    this.serverUnread = new Map(feeds.map((f) => [String(f.id), Number(f.unread) || 0]));
    return feeds
      .map((f) => ({
        id: String(f.id),
        url: safeUrl(String(f.feed_url ?? '')),
        title: sanitizeLine(decodeHTML(String(f.title ?? ''))),
        // 0 is "Uncategorized": no tag.
        category: f.cat_id ? (names.get(Number(f.cat_id)) ?? '') : '',
        unread: Number(f.unread) || 0,
      }))
      .filter((f) => f.url !== '');
  }

  async articlesSince(cursor: string, onPage: (articles: RemoteArticle[]) => void): Promise<string> {
    const since = Number(cursor) || 0;
    let highest = since;
    const page = (skip: number) =>
      this.call('getHeadlines', {
        feed_id: ALL_ARTICLES,
        view_mode: 'all_articles',
        since_id: since,
        limit: PAGE,
        skip,
        show_content: true,
        include_attachments: false,
      }) as Promise<Headline[]>;
    // The first page alone (a sync with little new is one request); when it is full, the next pages a
    // few at a time: the server spends ~1.5 s on a page of 200 and serves several requests at once.
    let skip = 0;
    for (let width = 1; ; width = PARALLEL_PAGES) {
      const pages = await Promise.all(Array.from({ length: width }, (_, i) => page(skip + i * PAGE)));
      skip += width * PAGE;
      for (const rows of pages) {
        for (const row of rows) highest = Math.max(highest, Number(row.id) || 0);
        if (rows.length) onPage(rows.map(toRemoteArticle));
      }
      if (pages.some((rows) => rows.length < PAGE)) break;
    }
    return String(highest);
  }

  async states(local: LocalView): Promise<StateReport> {
    // Reads made elsewhere lately: the server keeps the last day's, newest first.
    const recent = (await this.call('getHeadlines', { feed_id: RECENTLY_READ, view_mode: 'all_articles', limit: PAGE, show_content: false })) as Headline[];
    const read = recent.filter((h) => !h.unread).map((h) => String(h.id));
    // Then the unread ids of the feeds whose unread count still differs from the cache's, once those
    // reads are taken: a read and an unread elsewhere in one feed would cancel out in the counts, but the
    // read shows in the recently-read feed above.
    const counts = local.unreadByFeed(read);
    const unreadByFeed = new Map<string, Set<string>>();
    for (const [feedId, serverCount] of this.serverUnread) {
      const localCount = counts.get(feedId);
      if (localCount === undefined || localCount === serverCount) continue;
      unreadByFeed.set(feedId, await this.ids({ feed_id: Number(feedId), view_mode: 'unread' }));
    }
    const starred = await this.ids({ feed_id: STARRED, view_mode: 'all_articles' });
    return { read, unreadByFeed, starred };
  }

  async pushMarks(batch: MarkBatch): Promise<void> {
    if (batch.ids.length === 0) return;
    // field 2 is "unread", 0 "starred"; mode 1 sets, 0 clears (never 2, toggle).
    const field = batch.field === 'read' ? 2 : 0;
    const mode = batch.field === 'read' ? (batch.value ? 0 : 1) : batch.value ? 1 : 0;
    await this.call('updateArticle', { article_ids: batch.ids.join(','), field, mode });
  }

  async subscribe(url: string, category?: string): Promise<SubscribeOutcome> {
    let categoryId = 0;
    if (category) {
      const categories = (await this.call('getCategories', { include_empty: true })) as { id: number | string; title: string }[];
      const found = categories.find((c) => decodeHTML(String(c.title)) === category && Number(c.id) > 0);
      if (found) categoryId = Number(found.id);
    }
    const answer = (await this.call('subscribeToFeed', { feed_url: url, category_id: categoryId })) as { status?: { code?: number; feed_id?: number } };
    const code = Number(answer?.status?.code);
    switch (code) {
      case 0:
        return { kind: 'already' };
      case 1:
        return { kind: 'added', remoteId: answer.status?.feed_id ? String(answer.status.feed_id) : null };
      case 2:
        return { kind: 'failed', message: 'the server says this is not a valid URL' };
      case 3:
        return { kind: 'failed', message: 'the server found a web page and no feed there' };
      case 4:
        return { kind: 'failed', message: 'the server found several feeds on that page; add one of them' };
      case 5:
        return { kind: 'failed', message: 'the server could not download the feed' };
      default:
        return { kind: 'failed', message: `the server refused the feed (code ${Number.isFinite(code) ? code : 'unknown'})` };
    }
  }

  async unsubscribe(remoteFeedId: string): Promise<void> {
    await this.call('unsubscribeFeed', { feed_id: Number(remoteFeedId) });
  }

  async fetchFeed(remoteFeedId: string): Promise<void> {
    await this.call('updateFeed', { feed_id: Number(remoteFeedId) });
  }

  close(): void {
    // The session is left to expire: logging out would cost a request at every exit.
    this.sid = null;
  }

  /** Every article id a headlines query selects, without bodies, page by page. */
  private async ids(query: Record<string, unknown>): Promise<Set<string>> {
    const ids = new Set<string>();
    for (let skip = 0; ; skip += PAGE) {
      const rows = (await this.call('getHeadlines', { ...query, limit: PAGE, skip, show_content: false })) as Headline[];
      for (const row of rows) ids.add(String(row.id));
      if (rows.length < PAGE) return ids;
    }
  }

  private async login(): Promise<string> {
    const password = await (this.options.password ?? (() => readPassword(this.options.passwordCommand)))();
    const answer = await this.post({ op: 'login', user: this.options.user, password });
    if (answer.status !== 0) throw this.failure(answer.content, 'login');
    const sid = (answer.content as { session_id?: unknown })?.session_id;
    if (typeof sid !== 'string' || sid === '') throw new SyncError(`${this.label}: login answered without a session`);
    this.sid = sid;
    return sid;
  }

  private async call(op: string, params: Record<string, unknown>): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const sid = this.sid ?? (await this.login());
      const answer = await this.post({ ...params, op, sid });
      if (answer.status === 0) return answer.content;
      const error = (answer.content as { error?: unknown })?.error;
      if (error === 'NOT_LOGGED_IN' && attempt === 0) {
        this.sid = null;
        continue;
      }
      throw this.failure(answer.content, op);
    }
  }

  private async post(body: Record<string, unknown>): Promise<{ status: number; content: unknown }> {
    this.requests++;
    let answer: unknown;
    try {
      answer = await postJson(this.api, body, { timeoutMs: this.options.timeoutMs, maxBytes: this.options.maxBytes, userAgent: USER_AGENT });
    } catch (error) {
      throw new SyncError(`${this.label}: ${(error as Error).message}`);
    }
    const a = answer as { status?: unknown; content?: unknown };
    if (typeof a !== 'object' || a === null || typeof a.status !== 'number') throw new SyncError(`${this.label}: not a Tiny Tiny RSS API answer`);
    return { status: a.status, content: a.content };
  }

  private failure(content: unknown, op: string): SyncError {
    const code = String((content as { error?: unknown })?.error ?? 'unknown error');
    const user = this.options.user;
    const why: Record<string, string> = {
      LOGIN_ERROR: `wrong user or password for ${user}`,
      API_DISABLED: `API access is disabled for ${user} (Preferences: "Enable API")`,
      NOT_LOGGED_IN: 'the server keeps refusing the session',
      INCORRECT_USAGE: `the server refused ${op}`,
      FEED_NOT_FOUND: 'no such feed on the server',
    };
    return new SyncError(`${this.label}: ${why[code] ?? `${op} failed (${sanitizeLine(code).slice(0, 80)})`}`);
  }
}

function toRemoteArticle(h: Headline): RemoteArticle {
  const link = safeUrl(String(h.link ?? ''));
  const updated = Number(h.updated);
  const article: Article = {
    // The server's article id: its own guid field is a hash of the feed's, not the feed's.
    id: String(h.id),
    title: sanitizeLine(decodeHTML(String(h.title ?? ''))),
    link,
    author: sanitizeLine(decodeHTML(String(h.author ?? ''))),
    published: updated > 0 ? new Date(updated * 1000).toISOString() : null,
    html: sanitizeText(String(h.content ?? '')),
    commentsUrl: safeUrl(String(h.comments_link ?? ''), link || undefined),
    commentFeedUrl: '',
    commentCount: Number(h.comments_count) > 0 ? Number(h.comments_count) : null,
  };
  return { id: String(h.id), feedId: String(h.feed_id), article, unread: Boolean(h.unread), starred: Boolean(h.marked) };
}
