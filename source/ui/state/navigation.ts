/**
 * Movement keys as reducer events, per pane: the same `j` moves the list cursor, scrolls the
 * article, or moves in the sidebar. Pure; the controller handles every action that touches data.
 */
import type { Action } from '../keys.js';
import type { Pane, ReaderEvent } from './reader.js';

type ArticleScroll = Extract<ReaderEvent, { type: 'scroll-article' }>['by'];

const LIST_MOVES: Partial<Record<Action, (height: number) => Extract<ReaderEvent, { type: 'move' }>['by']>> = {
  down: () => 1,
  up: () => -1,
  top: () => 'top',
  bottom: () => 'bottom',
  'half-page-down': () => 'half-down',
  'half-page-up': () => 'half-up',
  'page-down': (height) => height,
  'page-up': (height) => -height,
};

const ARTICLE_SCROLLS: Partial<Record<Action, ArticleScroll>> = {
  down: 1,
  up: -1,
  top: 'top',
  bottom: 'bottom',
  'page-down': 'page-down',
  'page-up': 'page-up',
  'half-page-down': 'half-down',
  'half-page-up': 'half-up',
};

const SIDEBAR_MOVES: Partial<Record<Action, number | 'top' | 'bottom'>> = {
  down: 1,
  up: -1,
  top: 'top',
  bottom: 'bottom',
  'half-page-down': 10,
  'half-page-up': -10,
};

/** The event for a movement action in `pane`, or undefined when the action is not a movement there. */
export function navigationEvent(pane: Pane, action: Action, context: { listHeight: number; articleLines: number }): ReaderEvent | undefined {
  if (pane === 'list') {
    const by = LIST_MOVES[action];
    return by ? { type: 'move', by: by(context.listHeight) } : undefined;
  }
  if (pane === 'article') {
    const by = ARTICLE_SCROLLS[action];
    return by !== undefined ? { type: 'scroll-article', by, lineCount: context.articleLines } : undefined;
  }
  if (pane === 'sidebar') {
    const by = SIDEBAR_MOVES[action];
    return by !== undefined ? { type: 'sidebar-move', by } : undefined;
  }
  return undefined;
}
