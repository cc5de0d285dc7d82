/**
 * The comments pane's model: which of the open article's discussions is shown (its own first, then
 * the threads found elsewhere: DiscussionsModel; `]` and `[` switch, state/discussion-list.ts),
 * loading it (the cached copy at once, then a refresh in the background), what is new since the last
 * visit, Reddit's "more replies" loaded in place, the pane's navigation state, and its lines.
 * Collapse state is remembered per discussion for the session.
 */
import type { ChalkInstance } from 'chalk';
import {
  cachedDiscussion,
  isPlatform,
  loadDiscussion,
  loadStub,
  cacheExpanded,
  type Discussion,
  type DiscussionParser,
  type DiscussionTarget,
  type LoadedDiscussion,
} from '../core/comments.js';
import type { Comment } from '../core/comments.js';
import { failureLine, type Manners } from '../core/discussions.js';
import type { Store } from '../core/store.js';
import type { Settings } from '../core/settings.js';
import { DEFAULT_KEYS, keyOf, type Action, type Keymap } from './keys.js';
import type { DiscussionsModel, OpenedArticle } from './discussions-model.js';
import {
  collapseAll,
  createTree,
  currentRow,
  down,
  expandAll,
  moveTo,
  nextWhere,
  restore,
  scrollLines,
  settle,
  target,
  toggleOrReveal,
  type CommentTree,
} from './state/comment-tree.js';
import { cycle, initialList, listHeader, updateList, type DiscussionList } from './state/discussion-list.js';
import { PaneLines, paneHeader, type RowState } from './views/comments-pane.js';
import { NewSince } from './new-comments.js';
import { ageInWords } from './format.js';
import type { Paint } from './theme.js';

export interface CommentsDeps {
  store: Store;
  settings: Settings;
  openUrl: (url: string) => void;
  /** Parses and threads a fetched JSON discussion off the main thread (the parse workers); default inline. */
  parseDiscussion?: DiscussionParser;
  /** Starts the threads parseDiscussion runs on, ahead of their first job. */
  warmParsers?: () => void;
  /** Manners towards HN, Reddit and Lobsters, shared with the lookups. */
  manners?: Manners;
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
  revealed?: ReadonlySet<string>;
}

const nextTask = () => new Promise((resolve) => setImmediate(resolve));

export class CommentsModel {
  article: OpenedArticle | undefined;
  discussion: LoadedDiscussion | Discussion | undefined;
  tree: CommentTree | undefined;
  key: string | undefined;
  list: DiscussionList | undefined;
  loading = false;
  error: string | undefined;
  private newSince: NewSince;
  private newCount = 0;
  private loadingMore: string | undefined;
  private remembered = new Map<string, Remembered>();
  private view: PaneLines;
  private settledFor = { width: 0, height: 0 };
  /** The error is a failure to fetch (not "no discussion"): drawn in the error colour. */
  private failed = false;
  /** Reloading after a failure: the header says so, naming the host that failed. */
  private retrying = false;
  private failedHost = '';
  private abort: AbortController | undefined;

  constructor(
    private deps: CommentsDeps,
    private discussions: DiscussionsModel,
    private onChange: () => void,
    private onCountLearned: () => void = () => {},
  ) {
    this.view = new PaneLines(deps);
    this.newSince = new NewSince(deps.store, () => this.now());
  }

  private listRest(article: OpenedArticle) {
    const { services, asking, lookupOn } = this.discussions.listing(article);
    return { services, asking, lookupOn };
  }

  /** The open article changed (or the pane opened or closed): show its discussion. */
  articleChanged(article: OpenedArticle | undefined, force = false) {
    if (!force && article?.id === this.article?.id && (article === undefined) === (this.article === undefined)) return;
    const previous = this.list?.entries[this.list.current]?.key;
    this.article = article;
    this.list = undefined;
    if (!article) return this.select(undefined);
    const listing = this.discussions.listing(article);
    this.discussions.readPage(article);
    const remembered = force ? previous : this.deps.store.discussionChoice(article.id);
    this.list = initialList(listing.entries, remembered, this.listRest(article));
    if (force) this.discussions.articleOpened(article, true);
    this.select(this.list.entries[this.list.current]?.key, force);
  }

  /** The article's list changed (a lookup answered): redraw, and show the default if that changed. */
  listingChanged(articleId: number) {
    const article = this.article;
    if (!article || article.id !== articleId || !this.list) return;
    this.list = updateList(this.list, this.discussions.listing(article).entries, this.listRest(article));
    const key = this.list.entries[this.list.current]?.key;
    if (key !== this.key) this.select(key);
    else this.onChange();
  }

  /** Show the discussion under `key` of the open article (none: the header says why). */
  private select(key: string | undefined, force = false) {
    this.rememberState();
    this.abort?.abort();
    this.discussion = undefined;
    this.tree = undefined;
    this.error = undefined;
    this.failed = false;
    this.loading = false;
    this.loadingMore = undefined;
    this.key = key;
    const article = this.article;
    if (!article || !key) return this.onChange();
    const cached = cachedDiscussion(this.target(), this.deps.store, { key });
    if (cached) this.show(cached);
    void this.load(article, key, force ? 0 : undefined);
    this.onChange();
  }

  /**
   * An own discussion loads through the article (local copies, its post id); a found one by its
   * thread URL, given as an article's link: as a bare URL it would first be looked for among the
   * cached articles, a scan of the whole table on every load.
   */
  private target(): DiscussionTarget {
    const entry = this.list?.entries.find((e) => e.key === this.key);
    const a = this.article!;
    if (entry && !entry.own) return { link: entry.ref.url };
    // The content, or the page when the cache holds it, may name its thread (a "Comments" link to
    // Mastodon): the resolver looks there too.
    const html = this.discussions.withPage(a).html;
    return {
      link: a.link,
      commentsUrl: a.commentsUrl,
      commentFeedUrl: a.commentFeedUrl,
      feedUrl: a.feedUrl,
      guid: a.guid,
      ...(html ? { html } : {}),
    };
  }

  private async load(article: OpenedArticle, key: string, maxAgeMs?: number) {
    const abort = new AbortController();
    this.abort = abort;
    this.loading = true;
    const entry = this.list?.entries.find((e) => e.key === key);
    try {
      // The pane's first frame ("loading") is drawn before the request is even built: one task each.
      await nextTask();
      if (abort.signal.aborted) return;
      const loaded = await loadDiscussion(this.target(), {
        store: this.deps.store,
        settings: this.deps.settings,
        signal: abort.signal,
        key,
        now: () => this.now(),
        ...(this.deps.manners ? { manners: this.deps.manners } : {}),
        ...(this.deps.parseDiscussion ? { parse: this.deps.parseDiscussion } : {}),
        ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
      });
      // Building the pane's tree, drawing it and updating the list's count each get a task of their own,
      // after the fetch's: together they were one 40-50 ms stall for 3,000 comments.
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
      if (entry && !entry.own) return this.discussions.threadLoaded(article, key, loaded.total);
      const first = entry === this.list?.entries[0];
      const knownBetter = loaded.source === 'feed' && article.commentCount !== null;
      if (first && !knownBetter && this.deps.store.setCommentCount(article.id, loaded.total)) this.onCountLearned();
      this.discussions.ownChanged(article);
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

  private show(discussion: Discussion, cursorId?: string) {
    const previous = this.tree ? this.stateOf(this.tree) : this.key ? this.remembered.get(this.key) : undefined;
    this.discussion = discussion;
    this.view.clear();
    this.tree = previous ? restore(discussion.comments, previous.collapsed, cursorId ?? previous.cursorId) : createTree(discussion.comments);
    if (previous?.revealed) this.tree = { ...this.tree, revealed: previous.revealed };
    this.newSince.shown(this.key!);
    this.newCount = this.tree.rows.filter((r) => this.isNew(r.comment)).length;
  }

  private isNew(c: Comment): boolean {
    return this.newSince.isNew(this.key, c);
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

  /** The fold key that reads best on a "N more replies" line: Enter when it is bound, as by default. */
  private loadKey(): string {
    return (this.deps.keymap ?? DEFAULT_KEYS)['toggle-collapse'].includes('enter') ? 'Enter' : this.keyFor('toggle-collapse');
  }

  private keyFor(action: Action): string {
    return keyOf(this.deps.keymap ?? DEFAULT_KEYS, action);
  }

  private failure(message: string): string {
    const { host, line } = fetchFailureLine(message, this.discussion?.url || this.article?.link || '', this.keyFor('reload'));
    this.failedHost = host;
    return line;
  }

  /** Enter on a Reddit "N more replies" / "continue this thread": load them in place. */
  private async loadMore(stubId: string) {
    const d = this.discussion;
    const article = this.article;
    if (!d || !article || this.loadingMore) return;
    this.loadingMore = stubId;
    this.onChange();
    const key = this.key;
    try {
      const signal = this.abort?.signal;
      const next = await loadStub(d, stubId, {
        settings: this.deps.settings,
        ...(this.deps.manners ? { manners: this.deps.manners } : {}),
        ...(signal ? { signal } : {}),
      });
      if (this.key !== key || this.discussion !== d) return;
      const stubAt = Math.max(0, this.tree?.rows.findIndex((r) => r.comment.id === stubId) ?? 0);
      this.show({ ...next, fetchedAt: d.fetchedAt });
      // The cursor goes to the first reply loaded: the stub's row, now that they stand in its place.
      const tree = this.tree!;
      const cursor = Math.min(stubAt, Math.max(0, tree.rows.length - 1));
      this.tree = { ...tree, cursor, top: Math.min(tree.top, cursor), topLine: 0 };
      cacheExpanded(this.deps.store, { ...next, fetchedAt: d.fetchedAt });
    } catch (error) {
      if (this.key === key) this.error = `Reddit: ${failureLine(error)}`;
    } finally {
      if (this.loadingMore === stubId) this.loadingMore = undefined;
      this.onChange();
    }
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
      this.retrying = retry && this.loading;
      this.failedHost = host;
      this.onChange();
      return true;
    }
    if (action === 'next-discussion' || action === 'prev-discussion') {
      if (!this.list || !this.article) return true;
      this.list = cycle(this.list, action === 'next-discussion' ? 1 : -1);
      const key = this.list.entries[this.list.current]?.key;
      if (key) this.deps.store.setDiscussionChoice(this.article.id, key);
      if (key !== this.key) this.select(key);
      return true;
    }
    if (!t && action === 'open-browser' && this.article?.link && /^https?:\/\//i.test(this.article.link)) {
      // No thread to open (the comments are on the article's page, or there are none): the page.
      this.deps.openUrl(this.article.link);
      return true;
    }
    if (!t)
      return [
        'down',
        'up',
        'toggle-collapse',
        'parent',
        'next-sibling',
        'prev-sibling',
        'next-thread',
        'prev-thread',
        'collapse-all',
        'expand-all',
        'open-browser',
        'next-new',
      ].includes(action);
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
        const row = currentRow(t);
        if (action === 'toggle-collapse' && row?.comment.more !== undefined && this.discussion?.source === 'reddit') {
          void this.loadMore(row.comment.id);
          return true;
        }
        // Space opens a content warning first, then folds.
        const next = action === 'toggle-collapse' ? toggleOrReveal(t) : action === 'collapse-all' ? collapseAll(t) : expandAll(t);
        return set(settle(next, view, (i) => this.view.row(next, i, this.rowState()).length));
      }
      case 'next-new':
        return set(
          moveTo(
            t,
            nextWhere(t, (r) => this.isNew(r.comment)),
            view,
            h,
          ),
        );
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

  /** The mouse wheel: the pane's lines move by `by`, the cursor stays on its comment. */
  scrollBy(by: number): void {
    if (!this.tree) return;
    const next = scrollLines(this.tree, by, (i) => this.rowLines(i).length);
    if (next.top !== this.tree.top || next.topLine !== this.tree.topLine) {
      this.tree = next;
      this.onChange();
    }
  }

  /** A click on line `line` of the pane (as last drawn, `height` lines tall): the comment drawn there takes the cursor. */
  selectLine(line: number, height: number): void {
    const t = this.tree;
    if (!t) return;
    let left = line - this.headerLines().length;
    if (left < 0) return;
    for (let i = t.top, skip = t.topLine; i < t.rows.length; i++, skip = 0) {
      const shown = this.rowLines(i).length - skip;
      if (left < shown) {
        if (i === t.cursor) return;
        const view = Math.max(1, height - this.headerLines().length);
        // The viewport stays put: the comment clicked is on screen already.
        this.tree = { ...moveTo(t, i, view, (r) => this.rowLines(r).length), top: t.top, topLine: t.topLine };
        this.onChange();
        return;
      }
      left -= shown;
    }
  }

  /** What `copy-link` copies here: the comment under the cursor's permalink, else the thread's, else the article's. */
  linkToCopy(): string | undefined {
    const row = this.tree ? currentRow(this.tree) : undefined;
    return row?.comment.permalink || this.discussion?.url || this.article?.link || undefined;
  }

  // ---------------------------------------------------------------- drawing

  private rowState(): RowState {
    const reddit = this.discussion?.source === 'reddit';
    return {
      now: this.now(),
      isNew: (c) => this.isNew(c),
      moreHint: (c) => (reddit ? (this.loadingMore === c.id ? 'loading…' : `${this.loadKey()} loads them`) : undefined),
      keys: { open: this.keyFor('open-browser'), fold: this.keyFor('toggle-collapse') },
    };
  }

  private rowLines(index: number): string[] {
    return this.tree ? this.view.row(this.tree, index, this.rowState()) : [];
  }

  private headerLines(): string[] {
    const a = this.article;
    const keys = { next: this.keyFor('next-discussion'), prev: this.keyFor('prev-discussion') };
    // A feed that counts comments (slash:comments) without naming a thread: they are on the page.
    const n = a?.commentCount ?? 0;
    const none =
      n > 0 && a && /^https?:\/\//i.test(a.link)
        ? `Its ${n} comment${n === 1 ? ' is' : 's are'} on the article's page: ${this.keyFor('open-browser')} opens it.`
        : undefined;
    const list = this.list && a ? listHeader(this.list, this.now(), this.view.width, { keys, ...(none ? { none } : {}) }) : [];
    const error = this.error && this.failed ? (this.deps.paint?.error ?? ((x: string) => x))(this.error) : this.error;
    const d = this.discussion;
    return paneHeader(list, {
      discussion: d,
      notice: d?.notice ? (isPlatform(d.source) ? `${d.notice} — ${this.keyFor('open-browser')} on a [more] line opens them there` : d.notice) : undefined,
      newCount: this.newCount,
      newKey: this.keyFor('next-new'),
      claimed: a?.commentCount ?? null,
      loading: this.loading,
      retrying: this.retrying ? this.failedHost : undefined,
      error,
    });
  }

  /** Exactly the lines on screen: only the comments in view are rendered. */
  lines(width: number, height: number): string[] {
    this.view.resize(width);
    if (!this.article) return ['No article open.'];
    if (this.tree && (width !== this.settledFor.width || height !== this.settledFor.height)) {
      // A resize re-wraps every comment: the cursor's comment stays in view and the pane stays full.
      this.settledFor = { width, height };
      this.tree = settle(this.tree, Math.max(1, height - this.headerLines().length), (i) => this.rowLines(i).length);
    }
    return this.view.render(this.headerLines(), this.tree, height, this.rowState());
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
export function fetchFailureLine(message: string, fallbackUrl: string, retryKey: string): { host: string; line: string } {
  const m = /^(\S+?): (.*)$/.exec(message);
  const isUrl = m !== null && /^[a-z][a-z0-9+.-]*:\/\//i.test(m[1]!);
  const host = isUrl ? hostOf(m[1]!) : hostOf(fallbackUrl);
  const why = isUrl ? m[2]! : message;
  return { host, line: `${host ? `${host}: ` : ''}${why} · ${retryKey} retries` };
}
