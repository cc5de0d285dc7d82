/**
 * Keys: one table of default bindings (action -> keys), overridable per action under `keys` in the
 * settings, and one resolver that turns a keypress into the action of the pane that has focus.
 * The same key may mean different things in different panes (`n`: next unread in the list, next
 * thread in the comments): each pane lists the actions it accepts, in priority order.
 */
import type { Key } from 'ink';
import type { Pane } from './state/reader.js';

export const DEFAULT_KEYS = {
  down: ['j', 'down'],
  up: ['k', 'up'],
  top: ['g', 'home'],
  bottom: ['G', 'end'],
  'half-page-down': ['ctrl+d'],
  'half-page-up': ['ctrl+u'],
  'page-down': ['space', 'pagedown'],
  'page-up': ['b', 'pageup'],
  open: ['enter', 'l', 'right'],
  back: ['h', 'escape', 'left'],
  quit: ['q'],
  'quit-now': ['Q', 'ctrl+c'],
  'next-unread': ['n'],
  'prev-unread': ['N'],
  'toggle-read': ['m'],
  'toggle-star': ['s'],
  'mark-all-read': ['A'],
  undo: ['u'],
  search: ['/'],
  'open-browser': ['o'],
  refresh: ['r'],
  'refresh-all': ['R'],
  'add-feed': ['a'],
  'pick-tag': ['t'],
  'toggle-sidebar': ['f'],
  'toggle-comments': ['c'],
  'switch-pane': ['tab'],
  help: ['?'],
  // In the comments pane.
  'toggle-collapse': ['space', 'enter'],
  parent: ['p'],
  'next-sibling': ['J'],
  'prev-sibling': ['K'],
  'next-thread': ['n'],
  'prev-thread': ['N'],
  'collapse-all': ['C'],
  'expand-all': ['E'],
  reload: ['r'],
  'next-discussion': [']'],
  'prev-discussion': ['['],
  'next-new': ['u'],
} satisfies Record<string, string[]>;

export type Action = keyof typeof DEFAULT_KEYS;
export type Keymap = Record<Action, string[]>;

export const ACTION_HELP: Record<Action, string> = {
  down: 'move down',
  up: 'move up',
  top: 'go to the top',
  bottom: 'go to the bottom',
  'half-page-down': 'half a page down',
  'half-page-up': 'half a page up',
  'page-down': 'page down (article)',
  'page-up': 'page up (article)',
  open: 'open',
  back: 'go back',
  quit: 'go back; quit from the list',
  'quit-now': 'quit at once',
  'next-unread': 'next unread article',
  'prev-unread': 'previous unread article',
  'toggle-read': 'toggle read',
  'toggle-star': 'toggle star',
  'mark-all-read': 'mark everything in view read',
  undo: 'undo the last mark',
  search: 'search titles',
  'open-browser': 'open in the browser (1-9 first: link N)',
  refresh: 'refresh this feed',
  'refresh-all': 'refresh all feeds',
  'add-feed': 'add a feed',
  'pick-tag': 'pick a tag',
  'toggle-sidebar': 'show or hide feeds and tags',
  'toggle-comments': 'show or hide the comments',
  'switch-pane': 'move focus to the next pane',
  help: 'this help',
  'toggle-collapse': 'collapse or expand a comment (comments)',
  parent: 'parent comment (comments)',
  'next-sibling': 'next sibling comment (comments)',
  'prev-sibling': 'previous sibling comment (comments)',
  'next-thread': 'next top-level thread (comments)',
  'prev-thread': 'previous top-level thread (comments)',
  'collapse-all': 'collapse all to top level (comments)',
  'expand-all': 'expand all (comments)',
  reload: 'reload the discussion (comments)',
  'next-discussion': 'next discussion of the article (comments)',
  'prev-discussion': 'previous discussion of the article (comments)',
  'next-new': 'next comment new since your last visit (comments)',
};

/** Settings may rebind any action; unknown action names are reported, not ignored. */
export function buildKeymap(overrides: Record<string, string[]>): { keymap: Keymap; unknown: string[] } {
  const keymap = { ...DEFAULT_KEYS } as Keymap;
  const unknown: string[] = [];
  for (const [action, keys] of Object.entries(overrides)) {
    if (action in keymap) keymap[action as Action] = keys;
    else unknown.push(action);
  }
  return { keymap, unknown };
}

/** Ink's (input, key) as one name: 'j', 'G', 'ctrl+d', 'enter', 'space', 'pagedown'. */
export function keyNames(input: string, key: Key): string[] {
  if (key.upArrow) return ['up'];
  if (key.downArrow) return ['down'];
  if (key.leftArrow) return ['left'];
  if (key.rightArrow) return ['right'];
  if (key.pageDown) return ['pagedown'];
  if (key.pageUp) return ['pageup'];
  if (key.home) return ['home'];
  if (key.end) return ['end'];
  if (key.return) return ['enter'];
  if (key.escape) return ['escape'];
  if (key.tab) return ['tab'];
  if (key.backspace || key.delete) return ['backspace'];
  if (key.ctrl) return [`ctrl+${input.toLowerCase()}`];
  if (key.meta) return [`meta+${input}`];
  // Keys typed fast arrive as one string ('jjjj', INK_NOTES.md): one name per character.
  // Such a run can hold Enter or Ctrl keys too ('jj\r'): name those as Ink would alone.
  return [...input].map(charName);
}

function charName(ch: string): string {
  if (ch === ' ') return 'space';
  if (ch === '\r' || ch === '\n') return 'enter';
  if (ch === '\t') return 'tab';
  if (ch === '\x7f' || ch === '\b') return 'backspace';
  if (ch === '\x1b') return 'escape';
  const code = ch.charCodeAt(0);
  if (code >= 1 && code <= 26) return `ctrl+${String.fromCharCode(code + 96)}`;
  return ch;
}

/** The first of `accepted` actions bound to `name`, in the order the pane gives. */
export function resolveAction(name: string, accepted: readonly Action[], keymap: Keymap): Action | undefined {
  return accepted.find((action) => keymap[action].includes(name));
}

const NAVIGATION: Action[] = ['down', 'up', 'top', 'bottom', 'half-page-down', 'half-page-up'];
const EVERYWHERE: Action[] = ['quit-now', 'help', 'toggle-sidebar', 'switch-pane', 'refresh-all', 'add-feed', 'pick-tag', 'search'];

/** The actions each pane accepts, in priority order: a key bound to two actions means the first. */
export const PANE_ACTIONS: Record<Pane, Action[]> = {
  list: [...NAVIGATION, 'page-down', 'page-up', 'open', 'back', 'quit', 'next-unread', 'prev-unread', 'toggle-read', 'toggle-star', 'mark-all-read', 'undo', 'open-browser', 'refresh', 'toggle-comments', ...EVERYWHERE],
  article: [...NAVIGATION, 'page-down', 'page-up', 'back', 'quit', 'next-unread', 'prev-unread', 'toggle-read', 'toggle-star', 'undo', 'open-browser', 'refresh', 'toggle-comments', ...EVERYWHERE],
  sidebar: [...NAVIGATION, 'open', 'back', 'quit', 'refresh', ...EVERYWHERE],
  comments: ['toggle-collapse', ...NAVIGATION, 'page-down', 'page-up', 'parent', 'next-sibling', 'prev-sibling', 'next-thread', 'prev-thread', 'collapse-all', 'expand-all', 'open-browser', 'reload', 'next-discussion', 'prev-discussion', 'next-new', 'back', 'quit', 'toggle-comments', ...EVERYWHERE],
};

