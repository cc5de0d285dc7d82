/**
 * The comments pane's model: which discussion belongs to the open article, loading it (the cached
 * copy at once, then a refresh in the background), the pane's navigation state, and its lines.
 * Collapse state is remembered per discussion for the session.
 */
import type { ChalkInstance } from 'chalk';
import {
  cachedDiscussion, loadDiscussion, resolveTarget, type ArticleTarget, type Discussion, type DiscussionParser, type LoadedDiscussion,
} from '../core/comments/index.js';
import type { ArticleRow, Store } from '../core/store.js';
import type { Settings } from '../core/settings.js';
import { DEFAULT_KEYS, keyOf, type Action, type Keymap } from './keys.js';
import { collapseAll, createTree, currentRow, down, expandAll, moveTo, restore, scrollLines, settle, target, toggle, type CommentTree } from './state/comment-tree.js';
import { commentLines } from './views/comment-lines.js';
import { ageInWords, fit } from './format.js';
import type { Paint } from './theme.js';

type OpenedArticle = ArticleRow & { feedUrl: string };

export interface CommentsDeps {
  store: Store;
  settings: Settings;
  openUrl: (url: string) => void;
  /** Parses and threads a fetched JSON discussion off the main thread (the parse workers); default inline. */
  parseDiscussion?: DiscussionParser;
  /** Starts the threads parseDiscussion runs on, ahead of their first job. */
  warmParsers?: () => void;
  paint?: Paint;
  chalk?: ChalkInstance;
  color?: boolean;
  now?: () => number;
  /** For the keys that messages name. */
  keymap?: Keymap;
}

interface Remembered {
  collapsed: ReadonlySet<string>;
  cursorId?: string;
}

export class CommentsModel {
  article: OpenedArticle | undefined;
  discussion: LoadedDiscussion | Discussion | undefined;
  tree: CommentTree | undefined;
  key: string | undefined;
  loading = false;
  error: string | undefined;
  /** The error is a failure to fetch (not "no discussion"): drawn in the error colour. */
  private failed = false;
  /** Reloading after a failure: the header says so, naming the host that failed. */
  private retrying = false;
  private failedHost = '';
  private remembered = new Map<string, Remembered>();
  private lineCache = new Map<string, string[]>();
  private width = 80;
  private settledFor = { width: 0, height: 0 };
  private abort: AbortController | undefined;

  constructor(
    private deps: CommentsDeps,
    private onChange: () => void,
    private onCountLearned: () => void = () => {},
  ) {}

  private target(a: OpenedArticle): ArticleTarget {
    return { link: a.link, commentsUrl: a.commentsUrl, commentFeedUrl: a.commentFeedUrl, feedUrl: a.feedUrl, guid: a.guid };
  }

  /**
   * An article opened in the reader (the pane may be closed). When its discussion is JSON (HN, Reddit,
   * Lobsters), start the threads that will parse it, after this frame: they take ~70 ms to start, and
   * the reader waited for them when `c` came first.
   */
  articleOpened(article: OpenedArticle) {
    if (!this.deps.warmParsers) return;
    const source = resolveTarget(this.target(article), this.deps.store)?.source;
    if (source && source !== 'feed') setImmediate(() => this.deps.warmParsers?.());
  }

  /** The open article changed (or the pane opened or closed): show its discussion. */
  articleChanged(article: OpenedArticle | undefined, force = false) {
    if (!force && article?.id === this.article?.id && (article === undefined) === (this.article === undefined)) return;
    this.rememberState();
    this.abort?.abort();
    this.article = article;
    this.discussion = undefined;
    this.tree = undefined;
    this.error = undefined;
    this.failed = false;
    this.retrying = false;
    this.loading = false;
    this.key = undefined;
    if (!article) return this.onChange();
    const resolved = resolveTarget(this.target(article), this.deps.store);
    if (!resolved) {
      // A feed that counts comments (slash:comments) without naming a thread: they are on the page.
      const n = article.commentCount;
      const page = /^https?:\/\//i.test(article.link);
      this.error = n && page ? `Its ${n} comment${n === 1 ? ' is' : 's are'} on the article's page: ${this.keyFor('open-browser')} opens it.` : 'This article has no discussion.';
      return this.onChange();
    }
    this.key = resolved.key;
    const cached = cachedDiscussion(this.target(article), this.deps.store);
    if (cached) this.show(cached);
    void this.load(article, force ? 0 : undefined);
    this.onChange();
  }

  private async load(article: OpenedArticle, maxAgeMs?: number) {
    const abort = new AbortController();
    this.abort = abort;
    this.loading = true;
    try {
      // The pane's first frame ("loading") is drawn before the request is even built: one task each.
      await new Promise((resolve) => setImmediate(resolve));
      if (abort.signal.aborted) return;
      const loaded = await loadDiscussion(this.target(article), {
        store: this.deps.store,
        settings: this.deps.settings,
        signal: abort.signal,
        ...(this.deps.parseDiscussion ? { parse: this.deps.parseDiscussion } : {}),
        ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
      });
      // Building the pane's tree, drawing it and updating the list's count each get a task of their own,
      // after the fetch's: together they were one 40-50 ms stall for 3,000 comments.
      const nextTask = () => new Promise((resolve) => setImmediate(resolve));
      await nextTask();
      if (abort.signal.aborted) return;
      this.retrying = false;
      this.failed = Boolean(loaded.stale);
      this.error = loaded.stale ? `Offline: the copy from ${ageInWords(this.now() - loaded.fetchedAt)} ago. ${this.failure(loaded.error ?? '')}` : undefined;
      this.show(loaded);
      await nextTask();
      if (abort.signal.aborted) return;
      this.loading = false;
      this.onChange();
      await nextTask();
      if (abort.signal.aborted) return;
      // The list shows the discussion's size from now on, for sources whose feeds carry no count.
      // A comment feed holds only its newest comments: slash:comments, when given, knows better.
      const knownBetter = loaded.source === 'feed' && article.commentCount !== null;
      if (!knownBetter && this.deps.store.setCommentCount(article.id, loaded.total)) this.onCountLearned();
    } catch (error) {
      if (abort.signal.aborted) return;
      this.retrying = false;
      this.failed = true;
      this.error = this.failure((error as Error).message);
    } finally {
      if (!abort.signal.aborted && this.loading) {
        this.loading = false;
        this.onChange();
      }
    }
  }

  private show(discussion: Discussion) {
    const previous = this.tree ? { collapsed: this.tree.collapsed, cursorId: currentRow(this.tree)?.comment.id } : this.key ? this.remembered.get(this.key) : undefined;
    this.discussion = discussion;
    this.lineCache.clear();
    this.tree = previous ? restore(discussion.comments, previous.collapsed, previous.cursorId) : createTree(discussion.comments);
  }

  private rememberState() {
    if (this.key && this.tree) this.remembered.set(this.key, { collapsed: this.tree.collapsed, cursorId: currentRow(this.tree)?.comment.id });
  }

  private failure(message: string): string {
    const { host, line } = failureLine(message, this.discussionUrl(), this.keyFor('reload'));
    this.failedHost = host;
    return line;
  }

  /** Where the discussion is fetched from, for messages. */
  private discussionUrl(): string {
    return this.discussion?.url || this.article?.commentsUrl || this.article?.commentFeedUrl || this.article?.link || '';
  }

  private keyFor(action: Action): string {
    return keyOf(this.deps.keymap ?? DEFAULT_KEYS, action);
  }

  private now() {
    return (this.deps.now ?? Date.now)();
  }

  // ---------------------------------------------------------------- keys

  /** Handle a key in the comments pane; false lets the reader handle it. */
  perform(action: Action, height: number): boolean {
    const t = this.tree;
    const view = Math.max(1, height - this.headerLines().length);
    const h = (i: number) => this.rowLines(i).length;
    const set = (next: CommentTree) => {
      if (next !== this.tree) {
        this.tree = next;
        this.onChange();
      }
      return true;
    };
    if (action === 'reload') {
      const retry = this.failed;
      const host = this.failedHost;
      if (this.article) this.articleChanged(this.article, true);
      this.retrying = retry;
      this.failedHost = host;
      this.onChange();
      return true;
    }
    if (!t && action === 'open-browser' && this.article?.link && /^https?:\/\//i.test(this.article.link)) {
      this.deps.openUrl(this.article.link);
      return true;
    }
    if (!t) return ['down', 'up', 'toggle-collapse', 'parent', 'next-sibling', 'prev-sibling', 'next-thread', 'prev-thread', 'collapse-all', 'expand-all', 'open-browser'].includes(action);
    const go = (move: Parameters<typeof target>[1]) => set(moveTo(t, target(t, move), view, h));
    switch (action) {
      case 'down':
        return set(down(t, view, h));
      case 'up':
        return t.cursor === t.top && t.topLine > 0 ? set(scrollLines(t, -Math.max(1, view - 2), h)) : go('prev');
      case 'top':
        return go('first');
      case 'bottom':
        return go('last');
      case 'page-down':
      case 'half-page-down':
        return set(scrollLines(t, action === 'page-down' ? view - 1 : Math.floor(view / 2), h));
      case 'page-up':
      case 'half-page-up':
        return set(scrollLines(t, -(action === 'page-up' ? view - 1 : Math.floor(view / 2)), h));
      case 'toggle-collapse':
      case 'collapse-all':
      case 'expand-all': {
        const next = action === 'toggle-collapse' ? toggle(t) : action === 'collapse-all' ? collapseAll(t) : expandAll(t);
        return set(settle(next, view, (i) => this.rowLinesOf(next, i).length));
      }
      case 'parent':
        return go('parent');
      case 'next-sibling':
        return go('next-sibling');
      case 'prev-sibling':
        return go('prev-sibling');
      case 'next-thread':
        return go('next-thread');
      case 'prev-thread':
        return go('prev-thread');
      case 'open-browser': {
        const url = currentRow(t)?.comment.permalink || this.discussion?.url || this.article?.link;
        if (url) this.deps.openUrl(url);
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- drawing

  private rowLines(index: number): string[] {
    return this.tree ? this.rowLinesOf(this.tree, index) : [];
  }

  private rowLinesOf(tree: CommentTree, index: number): string[] {
    const row = tree.rows[index];
    if (!row) return [];
    const key = `${row.comment.id}|${this.width}|${row.hidden}`;
    let lines = this.lineCache.get(key);
    if (!lines) {
      if (this.lineCache.size > 5000) this.lineCache.clear();
      const paint = this.deps.paint ?? plainPaint;
      lines = commentLines(row, this.width, { paint, chalk: this.deps.chalk ?? plainChalk, color: this.deps.color ?? false, now: this.now() });
      this.lineCache.set(key, lines);
    }
    return lines;
  }

  private headerLines(): string[] {
    const d = this.discussion;
    const lines: string[] = [];
    if (d) {
      const where = { feed: 'on the site', hackernews: 'on Hacker News', reddit: 'on Reddit', lobsters: 'on Lobsters' }[d.source];
      // A comment feed holds only the newest comments: when the posts feed counts more, say both.
      const claimed = this.article?.commentCount ?? null;
      const count =
        d.source === 'feed' && claimed !== null && claimed > d.total ? `${d.total} of ${claimed} comments in the feed` : `${d.total} comment${d.total === 1 ? '' : 's'} ${where}`;
      lines.push(`${count}${this.loading ? ' · updating…' : ''}`);
    } else if (this.loading) lines.push(this.retrying ? `Retrying ${this.failedHost}…` : 'Loading the discussion…');
    if (this.error) lines.push(this.failed ? (this.deps.paint ?? plainPaint).error(this.error) : this.error);
    lines.push('');
    return lines;
  }

  /** Exactly the lines on screen: only the comments in view are rendered. */
  lines(width: number, height: number): string[] {
    if (width !== this.width) {
      this.width = width;
      this.lineCache.clear();
    }
    if (this.tree && (width !== this.settledFor.width || height !== this.settledFor.height)) {
      // A resize re-wraps every comment: the cursor's comment stays in view and the pane stays full.
      this.settledFor = { width, height };
      this.tree = settle(this.tree, Math.max(1, height - this.headerLines().length), (i) => this.rowLines(i).length);
    }
    if (!this.article) return ['No article open.'];
    const out = this.headerLines().map((l) => fit(l, width));
    const t = this.tree;
    if (!t || t.rows.length === 0) {
      if (t) out.push('No comments yet.');
      return out;
    }
    const paint = this.deps.paint ?? plainPaint;
    for (let i = t.top, skip = t.topLine; i < t.rows.length && out.length < height; i++, skip = 0) {
      const lines = this.rowLines(i);
      for (let j = skip; j < lines.length && out.length < height; j++) {
        out.push(i === t.cursor && j === 0 ? paint.selected(fit(stripped(lines[j]!), width)) : lines[j]!);
      }
    }
    return out;
  }

  dispose() {
    this.abort?.abort();
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/**
 * A failed fetch as one short line: the host and what went wrong, and the key that retries.
 * ("https://hn.algolia.com/api/v1/items/1: connection refused" -> "hn.algolia.com: connection refused · r retries").
 */
export function failureLine(message: string, fallbackUrl: string, retryKey: string): { host: string; line: string } {
  const m = /^(\S+?): (.*)$/.exec(message);
  const host = m && /^[a-z][a-z0-9+.-]*:\/\//i.test(m[1]!) ? hostOf(m[1]!) : hostOf(fallbackUrl);
  const why = m && /^[a-z][a-z0-9+.-]*:\/\//i.test(m[1]!) ? m[2]! : message;
  return { host, line: `${host ? `${host}: ` : ''}${why} · ${retryKey} retries` };
}

const identity = (s: string) => s;
const plainPaint = new Proxy({}, { get: () => identity }) as Paint;
const plainChalk = new Proxy(identity, { get: () => identity }) as unknown as ChalkInstance;
// The selected header is redrawn inverted as a whole: drop its own colours first.
const stripped = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
