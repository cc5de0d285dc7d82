/**
 * The reader's command table: every action of the reader, once. Its name (what `keys` in the settings rebinds),
 * default keys, what `?` says of it, the panes where it applies, and the short hint the footer shows.
 * Everything that names a key to the user (the footer, messages, `?`) reads the live keymap built from
 * this table, so a rebound key is named as the user bound it.
 */
/** The reader's panes: where an action applies. */
export type Pane = 'sidebar' | 'list' | 'article' | 'comments';

export interface CommandSpec {
  name: string;
  keys: readonly string[];
  /** One line for `?`. */
  description: string;
  panes: readonly Pane[];
  /** The footer's word for it ("move"); "{key}" marks where the key goes when it is not in front. */
  hint?: string;
  /** A second action whose key is shown with this one's: `j/k move`. */
  hintPair?: string;
  /** Only while a search is in force (`/`, or a saved search): its key does the pane's other action otherwise. */
  whileSearching?: boolean;
}

const ALL: readonly Pane[] = ['list', 'article', 'sidebar', 'comments'];
const READING: readonly Pane[] = ['list', 'article'];
const MOVING: readonly Pane[] = ['list', 'article', 'sidebar', 'comments'];

export const COMMANDS = [
  { name: 'down', keys: ['j', 'down'], description: 'move down', panes: MOVING, hint: 'move', hintPair: 'up' },
  { name: 'up', keys: ['k', 'up'], description: 'move up', panes: MOVING },
  { name: 'top', keys: ['g', 'home'], description: 'go to the top', panes: MOVING },
  { name: 'bottom', keys: ['G', 'end'], description: 'go to the bottom', panes: MOVING },
  { name: 'half-page-down', keys: ['ctrl+d'], description: 'half a page down', panes: MOVING },
  { name: 'half-page-up', keys: ['ctrl+u'], description: 'half a page up', panes: MOVING },
  { name: 'page-down', keys: ['space', 'pagedown'], description: 'page down', panes: ['list', 'article', 'comments'], hint: 'page', hintPair: 'page-up' },
  { name: 'page-up', keys: ['b', 'pageup'], description: 'page up', panes: ['list', 'article', 'comments'] },
  { name: 'open', keys: ['enter', 'l', 'right'], description: 'open the article; show the feed or tag (sidebar)', panes: ['list', 'sidebar'], hint: 'open' },
  { name: 'back', keys: ['h', 'escape', 'left'], description: 'go back', panes: ALL, hint: 'back' },
  { name: 'quit', keys: ['q'], description: 'go back; to All articles from a feed; quit from All articles', panes: ALL, hint: 'quit' },
  { name: 'quit-now', keys: ['Q', 'ctrl+c'], description: 'quit at once', panes: ALL },
  { name: 'next-unread', keys: ['n'], description: 'next unread article', panes: READING, hint: 'next unread' },
  { name: 'prev-unread', keys: ['N'], description: 'previous unread article', panes: READING },
  { name: 'toggle-read', keys: ['m'], description: 'toggle read', panes: READING, hint: 'read' },
  { name: 'toggle-star', keys: ['s'], description: 'toggle star', panes: READING, hint: 'star' },
  { name: 'mark-all-read', keys: ['A'], description: 'mark everything in view read (asks first)', panes: ['list'] },
  { name: 'undo', keys: ['u'], description: 'undo the last mark', panes: READING },
  { name: 'search', keys: ['/'], description: 'search titles and text', panes: ALL, hint: 'search' },
  // While searching, n and N in the article move between its matches rather than to other articles.
  { name: 'next-match', keys: ['n'], description: 'next match of the search (article, while searching)', panes: ['article'], whileSearching: true },
  { name: 'prev-match', keys: ['N'], description: 'previous match of the search (article, while searching)', panes: ['article'], whileSearching: true },
  { name: 'open-browser', keys: ['o'], description: 'open in the browser (1-9 first: link N)', panes: ['list', 'article', 'comments'], hint: 'open' },
  {
    name: 'copy-link',
    keys: ['y'],
    description: "copy the article's link to the clipboard (comments: the comment's)",
    panes: ['list', 'article', 'comments'],
    hint: 'copy link',
  },
  { name: 'refresh', keys: ['r'], description: 'refresh this feed', panes: ['list', 'article', 'sidebar'], hint: 'refresh' },
  { name: 'refresh-all', keys: ['R'], description: 'refresh all feeds', panes: ALL, hint: 'refresh all' },
  { name: 'add-feed', keys: ['a'], description: 'add a feed', panes: ALL, hint: 'add' },
  {
    name: 'remove-feed',
    keys: ['D'],
    description: 'unsubscribe from the feed under the cursor or in view (asks first)',
    panes: ['sidebar', 'list'],
    hint: 'remove',
  },
  { name: 'pick-tag', keys: ['t'], description: 'pick a tag', panes: ALL },
  { name: 'toggle-sidebar', keys: ['f'], description: 'show or hide feeds and tags', panes: ALL, hint: 'feeds' },
  {
    name: 'toggle-comments',
    keys: ['c'],
    description: 'show the comments, move into them, or hide them',
    panes: ['list', 'article', 'comments'],
    hint: 'comments',
  },
  { name: 'toggle-full-text', keys: ['F'], description: "the full text from the article's page, or the feed's summary", panes: READING, hint: 'full text' },
  { name: 'switch-pane', keys: ['tab'], description: 'move focus to the next pane', panes: ALL, hint: 'pane' },
  { name: 'help', keys: ['?'], description: 'this help', panes: ALL, hint: 'keys' },
  // The comments pane's own.
  { name: 'toggle-collapse', keys: ['space', 'enter'], description: 'collapse or expand a comment (comments)', panes: ['comments'], hint: 'fold' },
  { name: 'parent', keys: ['p'], description: 'parent comment (comments)', panes: ['comments'], hint: 'parent' },
  { name: 'next-sibling', keys: ['J'], description: 'next sibling comment (comments)', panes: ['comments'], hint: 'sibling', hintPair: 'prev-sibling' },
  { name: 'prev-sibling', keys: ['K'], description: 'previous sibling comment (comments)', panes: ['comments'] },
  { name: 'next-thread', keys: ['n'], description: 'next top-level thread (comments)', panes: ['comments'], hint: 'thread', hintPair: 'prev-thread' },
  { name: 'prev-thread', keys: ['N'], description: 'previous top-level thread (comments)', panes: ['comments'] },
  { name: 'collapse-all', keys: ['C'], description: 'collapse all to top level (comments)', panes: ['comments'], hint: 'fold all', hintPair: 'expand-all' },
  { name: 'expand-all', keys: ['E'], description: 'expand all (comments)', panes: ['comments'] },
  { name: 'reload', keys: ['r'], description: 'reload the discussion (comments)', panes: ['comments'], hint: 'reload' },
  {
    name: 'next-discussion',
    keys: [']'],
    description: 'next discussion of the article (comments)',
    panes: ['comments'],
    hint: 'discussion',
    hintPair: 'prev-discussion',
  },
  { name: 'prev-discussion', keys: ['['], description: 'previous discussion of the article (comments)', panes: ['comments'] },
  { name: 'next-new', keys: ['u'], description: 'next comment new since your last visit (comments)', panes: ['comments'], hint: 'new' },
] as const satisfies readonly CommandSpec[];

export type Action = (typeof COMMANDS)[number]['name'];
export type Keymap = Record<Action, string[]>;

export const ACTIONS: readonly Action[] = COMMANDS.map((c) => c.name);
export const COMMAND = Object.fromEntries(COMMANDS.map((c) => [c.name, c as CommandSpec])) as Record<Action, CommandSpec>;

/**
 * The actions each pane accepts, in the order a key is resolved: an action of that pane alone comes
 * before one shared by several panes (Space folds a comment in the comments pane, pages elsewhere);
 * otherwise the table's order.
 */
export const PANE_ACTIONS: Record<Pane, Action[]> = Object.fromEntries(
  ALL.map((pane) => {
    const here = COMMANDS.filter((c) => (c.panes as readonly Pane[]).includes(pane));
    const own = here.filter((c) => c.panes.length === 1);
    const shared = here.filter((c) => c.panes.length > 1);
    return [pane, [...own, ...shared].map((c) => c.name)];
  }),
) as Record<Pane, Action[]>;

/**
 * What each pane's footer offers, most useful first: the footer drops hints from the end until the
 * line fits, and always keeps the `?` hint last.
 */
export const PANE_HINTS: Record<Pane, Action[]> = {
  list: [
    'down',
    'open',
    'quit',
    'next-unread',
    'toggle-comments',
    'search',
    'toggle-read',
    'toggle-star',
    'switch-pane',
    'toggle-sidebar',
    'refresh-all',
    'add-feed',
  ],
  article: [
    'down',
    'back',
    'page-down',
    'next-unread',
    'toggle-comments',
    'toggle-full-text',
    'open-browser',
    'copy-link',
    'switch-pane',
    'toggle-read',
    'toggle-star',
  ],
  comments: [
    'down',
    'toggle-collapse',
    'back',
    'next-discussion',
    'toggle-comments',
    'parent',
    'next-thread',
    'next-sibling',
    'collapse-all',
    'next-new',
    'open-browser',
    'copy-link',
    'switch-pane',
    'reload',
  ],
  sidebar: ['down', 'open', 'back', 'toggle-sidebar', 'refresh', 'remove-feed', 'switch-pane'],
};

/** The footer's word for an action in a pane where it reads differently. */
export const PANE_HINT_WORDS: Partial<Record<Pane, Partial<Record<Action, string>>>> = {
  article: { down: 'scroll', 'open-browser': 'open  1-9 {key} link' },
  sidebar: { open: 'show', 'toggle-sidebar': 'hide' },
  comments: { 'toggle-comments': 'hide' },
};
