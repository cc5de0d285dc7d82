/**
 * The reader's UI state and its pure reducer: focus, layout, the list window, the open article's
 * scroll, prompts and messages. No I/O here: the controller (ui/controller.ts) reads the cache and
 * turns keypresses into these events.
 */
import stringWidth from 'string-width';
import { bottom, emptyWindow, fit, moveBy, reanchor, resize, scrollBy, setCount, top, type ListWindow } from './list-window.js';

export type { Pane } from '../../core/reader-actions.js';
import type { Pane } from '../../core/reader-actions.js';

export type ScopeChoice =
  | { kind: 'all' }
  | { kind: 'unread' }
  | { kind: 'starred' }
  | { kind: 'feed'; feedId: number; title: string }
  | { kind: 'tag'; tag: string }
  /** A saved search (settings `views`): its matches, as a list of their own. */
  | { kind: 'view'; name: string; query: string };

export type Prompt =
  | { kind: 'search'; value: string }
  | { kind: 'add-feed'; value: string; busy?: boolean /** Shown before the field instead of the usual label. */; note?: string }
  | { kind: 'confirm-mark-all'; count: number }
  | { kind: 'confirm-remove-feed'; url: string; title: string };

export interface ReaderState {
  columns: number;
  rows: number;
  focus: Pane;
  sidebar: boolean;
  sidebarCursor: number;
  sidebarCount: number;
  scope: ScopeChoice;
  /** The applied search of titles and text ('' = none). */
  search: string;
  list: ListWindow;
  openId: number | null;
  articleScroll: number;
  commentsOpen: boolean;
  prompt: Prompt | null;
  /** Digits typed before `o`: open link N of the article. */
  digits: string;
  help: boolean;
  /** First help line shown: the help scrolls when it does not fit. */
  helpScroll: number;
  status: string | null;
  /** The background reloads' note for the status line: when the next is due, what the last brought. */
  reloadNote: string | null;
}

/** Wide enough for the list and the article side by side; for comments beside the article. */
export const SPLIT_COLUMNS = 120;
export const COMMENTS_BESIDE_COLUMNS = 160;
export const SIDEBAR_WIDTH = 26;

export function initialState(columns: number, rows: number): ReaderState {
  const state: ReaderState = {
    columns,
    rows,
    focus: 'list',
    sidebar: false,
    sidebarCursor: 0,
    sidebarCount: 0,
    scope: { kind: 'all' },
    search: '',
    list: emptyWindow(),
    openId: null,
    articleScroll: 0,
    commentsOpen: false,
    prompt: null,
    digits: '',
    help: false,
    helpScroll: 0,
    status: null,
    reloadNote: null,
  };
  return { ...state, list: resize(state.list, layout(state).bodyHeight) };
}

/** How many lines a status message takes at this width: one, or two when it must wrap (ui/hints.ts draws it). */
export function statusHeight(text: string | null, width: number): 1 | 2 {
  return text !== null && stringWidth(' ' + text) > width ? 2 : 1;
}

export interface Layout {
  /** Rows for the panes: the frame is rows-1 tall (a full-height frame makes Ink 6.8 clear the screen on every update), minus header and status bar. */
  bodyHeight: number;
  sidebarWidth: number;
  listWidth: number;
  articleWidth: number;
  commentsWidth: number;
  split: boolean;
}

/** Which panes are shown and how wide: 0 means hidden. */
export function layout(s: Pick<ReaderState, 'columns' | 'rows' | 'sidebar' | 'focus' | 'openId' | 'commentsOpen' | 'status'>): Layout {
  // The frame is one line shorter than the terminal; the header takes one, the footer one or two.
  const bodyHeight = Math.max(1, s.rows - 2 - statusHeight(s.status, s.columns));
  const split = s.columns >= SPLIT_COLUMNS;
  let rest = s.columns;
  const sidebarWidth = s.sidebar && (split || s.focus === 'sidebar') ? Math.min(SIDEBAR_WIDTH, split ? SIDEBAR_WIDTH : rest) : 0;
  rest -= sidebarWidth;
  if (!split) {
    // One pane takes the screen: the sidebar, the list, the article, or the comments in its place.
    if (s.focus === 'sidebar' && sidebarWidth) return { bodyHeight, sidebarWidth: s.columns, listWidth: 0, articleWidth: 0, commentsWidth: 0, split };
    const main = s.focus === 'comments' && s.commentsOpen ? 'comments' : s.focus === 'article' || s.focus === 'comments' ? 'article' : 'list';
    return {
      bodyHeight,
      sidebarWidth: 0,
      listWidth: main === 'list' ? s.columns : 0,
      articleWidth: main === 'article' ? s.columns : 0,
      commentsWidth: main === 'comments' ? s.columns : 0,
      split,
    };
  }
  // Until an article is open the list takes the width beside the sidebar, feed column and all: a pane
  // that only said "Select an article" squeezed it into 50 columns.
  if (s.openId === null) return { bodyHeight, sidebarWidth, listWidth: rest, articleWidth: 0, commentsWidth: 0, split };
  const commentsBeside = s.commentsOpen && s.columns >= COMMENTS_BESIDE_COLUMNS;
  const listWidth = Math.floor(rest * (commentsBeside ? 0.3 : 0.42));
  const remaining = rest - listWidth;
  if (commentsBeside) {
    const articleWidth = Math.floor(remaining / 2);
    return { bodyHeight, sidebarWidth, listWidth, articleWidth, commentsWidth: remaining - articleWidth, split };
  }
  const commentsInstead = s.commentsOpen && (s.focus === 'comments' || s.focus === 'article');
  return {
    bodyHeight,
    sidebarWidth,
    listWidth,
    articleWidth: commentsInstead ? 0 : remaining,
    commentsWidth: commentsInstead ? remaining : 0,
    split,
  };
}

export type ReaderEvent =
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'list-count'; count: number }
  | { type: 'list-reanchor'; count: number; index: number }
  | { type: 'move'; by: number | 'top' | 'bottom' | 'half-down' | 'half-up' }
  | { type: 'move-to'; index: number }
  /** The mouse wheel over the list: the view and the cursor move together (as Ctrl-d does). */
  | { type: 'scroll-list'; by: number }
  | { type: 'open'; id: number }
  /** The cursor moved in the list beside an open article: show the article under it, not marked read. */
  | { type: 'preview'; id: number }
  | { type: 'close-article' }
  | { type: 'back' }
  | { type: 'focus'; pane: Pane }
  | { type: 'scroll-article'; by: number | 'top' | 'bottom' | 'page-down' | 'page-up' | 'half-down' | 'half-up'; lineCount: number }
  | { type: 'toggle-sidebar' }
  | { type: 'sidebar-count'; count: number }
  | { type: 'sidebar-move'; by: number | 'top' | 'bottom' }
  | { type: 'scope'; scope: ScopeChoice }
  | { type: 'search'; query: string }
  | { type: 'prompt'; prompt: Prompt | null }
  | { type: 'digit'; digit: string }
  | { type: 'clear-digits' }
  | { type: 'toggle-comments' }
  | { type: 'help'; show: boolean }
  | { type: 'help-scroll'; by: number; lineCount: number }
  | { type: 'status'; text: string | null }
  | { type: 'reload-note'; text: string | null };

function withLayout(s: ReaderState): ReaderState {
  const height = layout(s).bodyHeight;
  return s.list.height === height ? s : { ...s, list: resize(s.list, height) };
}

export function reduce(s: ReaderState, e: ReaderEvent): ReaderState {
  switch (e.type) {
    case 'resize':
      return withLayout({ ...s, columns: Math.max(20, e.columns), rows: Math.max(5, e.rows) });
    case 'list-count':
      return { ...s, list: setCount(s.list, e.count) };
    case 'list-reanchor':
      return { ...s, list: reanchor(s.list, e.count, e.index) };
    case 'move': {
      const half = Math.max(1, Math.floor(s.list.height / 2));
      const list =
        e.by === 'top'
          ? top(s.list)
          : e.by === 'bottom'
            ? bottom(s.list)
            : e.by === 'half-down'
              ? scrollBy(s.list, half)
              : e.by === 'half-up'
                ? scrollBy(s.list, -half)
                : moveBy(s.list, e.by);
      return list === s.list ? s : { ...s, list };
    }
    case 'move-to':
      return { ...s, list: fit({ ...s.list, cursor: e.index }) };
    case 'scroll-list': {
      const list = scrollBy(s.list, e.by);
      return list === s.list ? s : { ...s, list };
    }
    case 'open':
      return { ...s, openId: e.id, articleScroll: e.id === s.openId ? s.articleScroll : 0, focus: 'article', digits: '' };
    case 'preview':
      return s.openId === e.id ? s : withLayout({ ...s, openId: e.id, articleScroll: 0, commentsOpen: false, digits: '' });
    case 'close-article':
      return withLayout({ ...s, openId: null, articleScroll: 0, commentsOpen: false, focus: s.focus === 'sidebar' ? 'sidebar' : 'list', digits: '' });
    case 'back': {
      if (s.focus === 'comments') return { ...s, focus: 'article', commentsOpen: s.columns >= COMMENTS_BESIDE_COLUMNS ? s.commentsOpen : false };
      // Narrow, the list takes the screen again and no article stays open behind it.
      if (s.focus === 'article')
        return withLayout({ ...s, focus: 'list', digits: '', ...(s.columns < SPLIT_COLUMNS ? { openId: null, commentsOpen: false } : {}) });
      if (s.focus === 'sidebar') return { ...s, focus: 'list' };
      return s;
    }
    case 'focus':
      return { ...s, focus: e.pane };
    case 'scroll-article': {
      const page = Math.max(1, layout(s).bodyHeight - 1);
      const max = Math.max(0, e.lineCount - layout(s).bodyHeight);
      const next =
        e.by === 'top'
          ? 0
          : e.by === 'bottom'
            ? max
            : e.by === 'page-down'
              ? s.articleScroll + page
              : e.by === 'page-up'
                ? s.articleScroll - page
                : e.by === 'half-down'
                  ? s.articleScroll + Math.floor(page / 2)
                  : e.by === 'half-up'
                    ? s.articleScroll - Math.floor(page / 2)
                    : s.articleScroll + e.by;
      const articleScroll = Math.min(Math.max(0, next), max);
      return articleScroll === s.articleScroll ? s : { ...s, articleScroll };
    }
    case 'toggle-sidebar': {
      // What the screen suggests: hidden (narrow screens hide it when it loses focus), it shows and takes
      // the focus; shown beside the list, it takes the focus; focused, it hides.
      if (!layout(s).sidebarWidth) return withLayout({ ...s, sidebar: true, focus: 'sidebar' });
      if (s.focus !== 'sidebar') return { ...s, focus: 'sidebar' };
      return withLayout({ ...s, sidebar: false, focus: 'list' });
    }
    case 'sidebar-count':
      return { ...s, sidebarCount: e.count, sidebarCursor: Math.min(s.sidebarCursor, Math.max(0, e.count - 1)) };
    case 'sidebar-move': {
      const last = Math.max(0, s.sidebarCount - 1);
      const next = e.by === 'top' ? 0 : e.by === 'bottom' ? last : s.sidebarCursor + e.by;
      return { ...s, sidebarCursor: Math.min(Math.max(0, next), last) };
    }
    case 'scope':
      return withLayout({ ...s, scope: e.scope, search: '', list: { ...s.list, cursor: 0, offset: 0 }, focus: 'list', openId: null, commentsOpen: false });
    case 'search':
      return withLayout({
        ...s,
        search: e.query,
        list: fit({ ...s.list, cursor: 0, offset: 0 }),
        prompt: null,
        openId: null,
        commentsOpen: false,
        focus: s.focus === 'article' || s.focus === 'comments' ? 'list' : s.focus,
      });
    case 'prompt':
      return { ...s, prompt: e.prompt };
    case 'digit':
      return { ...s, digits: (s.digits + e.digit).slice(-3) };
    case 'clear-digits':
      return s.digits ? { ...s, digits: '' } : s;
    case 'toggle-comments': {
      const commentsOpen = !s.commentsOpen;
      const focus: Pane = commentsOpen ? 'comments' : s.focus === 'comments' ? 'article' : s.focus;
      return withLayout({ ...s, commentsOpen, focus });
    }
    case 'help':
      return { ...s, help: e.show, helpScroll: 0 };
    case 'help-scroll': {
      const max = Math.max(0, e.lineCount - (s.rows - 1 - 2));
      return { ...s, helpScroll: Math.min(max, Math.max(0, s.helpScroll + e.by)) };
    }
    case 'status':
      return s.status === e.text ? s : withLayout({ ...s, status: e.text });
    case 'reload-note':
      // Only the footer's text: the list, its cursor and the open article stay as they are.
      return s.reloadNote === e.text ? s : { ...s, reloadNote: e.text };
  }
}

/** A title for the header: what the list shows. */
export function scopeLabel(scope: ScopeChoice): string {
  switch (scope.kind) {
    case 'all':
      return 'All articles';
    case 'unread':
      return 'Unread';
    case 'starred':
      return 'Starred';
    case 'feed':
      return scope.title;
    case 'tag':
      return `#${scope.tag}`;
    case 'view':
      return scope.name;
  }
}
