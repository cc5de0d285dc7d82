/**
 * What the reader reads from the cache, page by page, memoized until the data changes: the visible
 * rows, counts, the sidebar, and the open article rendered for a width. Nothing here loads every row.
 */
import { renderHtml } from '../core/html.js';
import type { ArticleRow, FeedRow, Scope, Store } from '../core/store.js';
import type { Enclosure } from '../core/types.js';
import type { SavedSearch } from '../core/settings.js';
import { sanitizeLine } from '../core/sanitize.js';
import { searchTerms } from '../core/search-terms.js';
import { markMatches } from './views/match-lines.js';
import type { ScopeChoice } from './state/reader.js';
import { resolveTarget } from '../core/comments.js';
import { dateWithAge } from '../core/age.js';

export interface SidebarItem {
  label: string;
  unread: number;
  scope: ScopeChoice;
  kind: 'view' | 'tag' | 'feed';
  /** A saved search's list is capped (store/search-list.ts): its unread count is of the newest matches, and shown as "N+". */
  more?: boolean;
  error?: string | null;
  broken?: boolean;
}

export interface OpenArticle {
  row: ArticleRow & { html: string; feedUrl: string; enclosures: Enclosure[] };
  lines: string[];
  links: string[];
  /** The lines that hold a match of the search in force, in order (none without one). */
  matchLines: number[];
}

/**
 * Which text an article shows, when it may be other than the feed's (full text: ui/full-text.ts);
 * `version` changes whenever that may have changed.
 */
export interface ArticleTexts {
  version: number;
  text(row: ArticleRow & { html: string }): { html: string; baseUrl: string; label: string } | undefined;
}

/** The search in force: a saved search's query and what `/` added to it, both to match. */
export function searchOf(choice: ScopeChoice, search: string): string {
  return [choice.kind === 'view' ? choice.query : '', search].filter(Boolean).join(' ');
}

export function storeScope(choice: ScopeChoice, search: string): Scope {
  const scope: Scope =
    choice.kind === 'unread'
      ? { unreadOnly: true }
      : choice.kind === 'starred'
        ? { starredOnly: true }
        : choice.kind === 'feed'
          ? { feedId: choice.feedId }
          : choice.kind === 'tag'
            ? { tag: choice.tag }
            : {};
  const query = searchOf(choice, search);
  return query ? { ...scope, search: query } : scope;
}

export class ReaderData {
  private version = 0;
  private cache = new Map<string, unknown>();

  constructor(
    readonly store: Store,
    private options: {
      color: boolean;
      now: () => number /** The keys that show the comments and open the page, as bound. */;
      commentsKey: () => string;
      openKey: () => string;
      /** Saved searches, for the sidebar. */
      views?: () => readonly SavedSearch[];
      /** How a search's match is marked in the article (the theme's `match`). */
      mark?: (text: string) => string;
    },
  ) {}

  /** The cache changed: forget every memoized answer. */
  invalidate() {
    this.version++;
    this.cache.clear();
  }

  /**
   * Read or starred marks changed and nothing else: a list that does not filter on marks keeps its
   * rows' places, so its total stays cached (recounting 100,000 rows made opening an article slow).
   */
  invalidateMarks() {
    this.version++;
    for (const key of [...this.cache.keys()]) {
      const keepsTotal = key.startsWith('count|') && !key.includes('"unreadOnly"') && !key.includes('"starredOnly"');
      if (!keepsTotal) this.cache.delete(key);
    }
  }

  /** Comment counts changed and nothing else: every list keeps its members, so every total stays cached. */
  invalidateCounts() {
    this.version++;
    for (const key of [...this.cache.keys()]) if (!key.startsWith('count|')) this.cache.delete(key);
  }

  private memo<T>(key: string, compute: () => T): T {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    if (this.cache.size > 64) this.cache.clear();
    const value = compute();
    this.cache.set(key, value);
    return value;
  }

  rows(scope: Scope, offset: number, limit: number): ArticleRow[] {
    return this.memo(`rows|${JSON.stringify(scope)}|${offset}|${limit}`, () => this.store.articles(scope, { offset, limit, total: this.count(scope) }));
  }

  count(scope: Scope): number {
    return this.memo(`count|${JSON.stringify(scope)}`, () => this.store.count(scope));
  }

  /** How many of a list's articles are unread: of a search's list, of the matches it holds. */
  unreadCount(scope: Scope): number {
    if (!scope.search) return this.count({ ...scope, unreadOnly: true });
    return this.memo(`unread|${JSON.stringify(scope)}`, () => this.store.count(scope, { unread: true }));
  }

  /** A search's list holds only the newest SEARCH_CAP of its matches: more match. */
  capped(scope: Scope): boolean {
    if (!scope.search) return false;
    return this.memo(`capped|${JSON.stringify(scope)}`, () => this.store.searchCapped(scope));
  }

  feeds(): FeedRow[] {
    return this.memo('feeds', () => this.store.feeds());
  }

  sidebarItems(): SidebarItem[] {
    return this.memo('sidebar', () => {
      const unread = this.count({ unreadOnly: true });
      const items: SidebarItem[] = [
        { label: 'All articles', unread, scope: { kind: 'all' }, kind: 'view' },
        { label: 'Unread', unread, scope: { kind: 'unread' }, kind: 'view' },
        { label: 'Starred', unread: this.count({ starredOnly: true, unreadOnly: true }), scope: { kind: 'starred' }, kind: 'view' },
      ];
      // Saved searches next to them, as newsboat lists its query feeds: each counts the unread articles of its list.
      for (const view of this.options.views?.() ?? []) {
        const name = sanitizeLine(view.name);
        const scope = { search: view.query };
        items.push({
          label: name,
          unread: this.unreadCount(scope),
          more: this.capped(scope),
          scope: { kind: 'view', name, query: view.query },
          kind: 'view',
        });
      }
      for (const t of this.store.tags()) items.push({ label: `#${t.tag}`, unread: t.unread, scope: { kind: 'tag', tag: t.tag }, kind: 'tag' });
      for (const f of this.feeds()) {
        items.push({ label: f.title, unread: f.unread, scope: { kind: 'feed', feedId: f.id, title: f.title }, kind: 'feed', error: f.error, broken: f.broken });
      }
      return items;
    });
  }

  private discussionLine(row: ArticleRow & { feedUrl: string }): string {
    return discussionLineOf(row, this.options.commentsKey(), this.options.openKey());
  }

  /**
   * An article rendered for a text width: a header (title, feed, author, date, discussion, which text),
   * the body (the feed's, or the one `texts` chooses), the links; the matches of `search` marked.
   */
  article(id: number, width: number, texts?: ArticleTexts, search = ''): OpenArticle | undefined {
    return this.memo(`article|${id}|${width}|${texts?.version ?? ''}|${search}`, () => {
      const row = this.store.article(id);
      if (!row) return undefined;
      // Without colour (NO_COLOR) the article keeps its bold headings and underlined links.
      const color = this.options.color || 'mono';
      const shown = texts?.text(row);
      // The feed's enclosures go with either text: a podcast episode is the item's, not its page's.
      const rendered = renderHtml(shown?.html ?? row.html, { width, color, baseUrl: shown?.baseUrl ?? (row.link || undefined), enclosures: row.enclosures });
      const when = dateWithAge(row.published, this.options.now());
      const meta = [row.feed, row.author, when].filter(Boolean).join(' · ');
      const discussion = this.discussionLine(row);
      const which = shown ? `<p><i>${escapeHtml(shown.label)}</i></p>` : '';
      const header = renderHtml(`<h1>${escapeHtml(row.title)}</h1><p>${escapeHtml(meta)}</p>${discussion ? `<p>${escapeHtml(discussion)}</p>` : ''}${which}`, {
        width,
        color,
      });
      const lines = [...header.lines, '', ...rendered.lines];
      if (!search) return { row, lines, links: rendered.links, matchLines: [] };
      const marked = markMatches(lines, searchTerms(search), this.options.mark ?? inverse);
      return { row, lines: marked.lines, links: rendered.links, matchLines: marked.matchLines };
    });
  }
}

/** What the article's header says of its discussion, and the key that shows it. */
function discussionLineOf(row: ArticleRow & { feedUrl: string }, commentsKey: string, openKey: string): string {
  // With the threads a lookup found elsewhere.
  const n = row.commentCount === null && !row.lookupCount ? null : (row.commentCount ?? 0) + (row.lookupCount ?? 0);
  const counted = n === null ? '' : `${n} comment${n === 1 ? '' : 's'}`;
  const thread = resolveTarget(
    { link: row.link, commentsUrl: row.commentsUrl, commentFeedUrl: row.commentFeedUrl, feedUrl: row.feedUrl, guid: row.guid },
    undefined,
  );
  if (thread || row.lookupCount) return `${counted || 'Discussion'} — press ${commentsKey}`;
  // The feed counts comments but names no thread to read them from: they are on the article's page.
  if (counted && /^https?:\/\//i.test(row.link)) return `${counted} on the article's page — ${openKey} opens it`;
  return counted;
}

function inverse(text: string): string {
  return `\x1b[7m${text}\x1b[27m`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
