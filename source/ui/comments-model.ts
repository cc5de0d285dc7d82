/**
 * The comments pane's model: which discussion belongs to the open article, loading it (the cached
 * copy at once, then a refresh in the background), the pane's navigation state, and its lines.
 * Collapse state is remembered per discussion for the session.
 */
import type { ChalkInstance } from 'chalk';
import {
  PLATFORM_NAMES, cachedDiscussion, isPlatform, loadDiscussion, preparePlatform, resolveTarget, type ArticleTarget, type Discussion, type DiscussionParser,
  type LoadedDiscussion,
} from '../core/comments/index.js';
import type { ArticleRow, Store } from '../core/store.js';
import type { Settings } from '../core/settings.js';
import type { Action } from './keys.js';
import {
  collapseAll, createTree, currentRow, down, expandAll, isRevealed, moveTo, restore, scrollLines, target, toggleOrReveal, type CommentTree,
} from './state/comment-tree.js';
import { commentLines } from './views/comment-lines.js';
import { ageInWords, fit } from './format.js';
import type { Paint } from './theme.js';

type OpenedArticle = ArticleRow & { feedUrl: string; html?: string };

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
}

interface Remembered {
  collapsed: ReadonlySet<string>;
  cursorId?: string;
  revealed?: ReadonlySet<string>;
}

export class CommentsModel {
  article: OpenedArticle | undefined;
  discussion: LoadedDiscussion | Discussion | undefined;
  tree: CommentTree | undefined;
  key: string | undefined;
  loading = false;
  error: string | undefined;
  private remembered = new Map<string, Remembered>();
  private lineCache = new Map<string, string[]>();
  private width = 80;
  private abort: AbortController | undefined;

  constructor(
    private deps: CommentsDeps,
    private onChange: () => void,
    private onCountLearned: () => void = () => {},
  ) {}

  private target(a: OpenedArticle): ArticleTarget {
    // The content may name its thread (a "Comments" link to Mastodon): the resolver looks there too.
    return { link: a.link, commentsUrl: a.commentsUrl, commentFeedUrl: a.commentFeedUrl, feedUrl: a.feedUrl, guid: a.guid, ...(a.html ? { html: a.html } : {}) };
  }

  private get resolveOptions() {
    return { sources: this.deps.settings.sources };
  }

  /**
   * An article opened in the reader (the pane may be closed). When its discussion is JSON (HN, Reddit,
   * Lobsters), start the threads that will parse it, after this frame: they take ~70 ms to start, and
   * the reader waited for them when `c` came first. A platform thread's parser (Lemmy's Markdown) loads then too.
   */
  articleOpened(article: OpenedArticle) {
    if (!this.deps.warmParsers) return;
    const source = resolveTarget(this.target(article), this.deps.store, this.resolveOptions)?.source;
    // Platform threads (Mastodon, Bluesky, Discourse, Lemmy) are threaded here, not in the workers.
    if (source && isPlatform(source)) setImmediate(() => preparePlatform(source));
    else if (source && source !== 'feed') setImmediate(() => this.deps.warmParsers?.());
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
    this.loading = false;
    this.key = undefined;
    if (!article) return this.onChange();
    const resolved = resolveTarget(this.target(article), this.deps.store, this.resolveOptions);
    if (!resolved) {
      this.error = 'This article has no discussion.';
      return this.onChange();
    }
    this.key = resolved.key;
    const cached = cachedDiscussion(this.target(article), this.deps.store, this.resolveOptions);
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
      this.error = loaded.stale ? `Offline copy from ${ageInWords(this.now() - loaded.fetchedAt)} ago (${loaded.error})` : undefined;
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
      this.error = (error as Error).message;
    } finally {
      if (!abort.signal.aborted && this.loading) {
        this.loading = false;
        this.onChange();
      }
    }
  }

  private show(discussion: Discussion) {
    const previous = this.tree ? this.stateOf(this.tree) : this.key ? this.remembered.get(this.key) : undefined;
    this.discussion = discussion;
    this.lineCache.clear();
    this.tree = previous ? restore(discussion.comments, previous.collapsed, previous.cursorId) : createTree(discussion.comments);
    if (previous?.revealed) this.tree = { ...this.tree, revealed: previous.revealed };
  }

  private rememberState() {
    if (this.key && this.tree) this.remembered.set(this.key, this.stateOf(this.tree));
  }

  private stateOf(t: CommentTree): Remembered {
    return { collapsed: t.collapsed, cursorId: currentRow(t)?.comment.id, ...(t.revealed ? { revealed: t.revealed } : {}) };
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
      if (this.article) this.articleChanged(this.article, true);
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
        const next = action === 'toggle-collapse' ? toggleOrReveal(t) : action === 'collapse-all' ? collapseAll(t) : expandAll(t);
        return set(moveTo(next, next.cursor, view, (i) => this.rowLinesOf(next, i).length));
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
        const url = currentRow(t)?.comment.permalink || this.discussion?.url;
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
    const open = row.comment.warning !== undefined && isRevealed(tree, row.comment.id);
    const key = `${row.comment.id}|${this.width}|${row.hidden}|${open}`;
    let lines = this.lineCache.get(key);
    if (!lines) {
      if (this.lineCache.size > 5000) this.lineCache.clear();
      const paint = this.deps.paint ?? plainPaint;
      lines = commentLines(row, this.width, { paint, chalk: this.deps.chalk ?? plainChalk, color: this.deps.color ?? false, now: this.now() }, open);
      this.lineCache.set(key, lines);
    }
    return lines;
  }

  private headerLines(): string[] {
    const d = this.discussion;
    const lines: string[] = [];
    if (d) {
      const where = isPlatform(d.source) ? `on ${PLATFORM_NAMES[d.source]}` : { feed: 'on the site', hackernews: 'on Hacker News', reddit: 'on Reddit', lobsters: 'on Lobsters' }[d.source];
      lines.push(`${d.total} comment${d.total === 1 ? '' : 's'} ${where}${this.loading ? ' · updating…' : ''}`);
      if (d.notice) lines.push(isPlatform(d.source) ? `${d.notice} — o on a [more] line opens them there` : d.notice);
    } else if (this.loading) lines.push('Loading the discussion…');
    if (this.error) lines.push(this.error);
    lines.push('');
    return lines;
  }

  /** Exactly the lines on screen: only the comments in view are rendered. */
  lines(width: number, height: number): string[] {
    if (width !== this.width) {
      this.width = width;
      this.lineCache.clear();
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

const identity = (s: string) => s;
const plainPaint = new Proxy({}, { get: () => identity }) as Paint;
const plainChalk = new Proxy(identity, { get: () => identity }) as unknown as ChalkInstance;
// The selected header is redrawn inverted as a whole: drop its own colours first.
const stripped = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
