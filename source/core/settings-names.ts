/**
 * The names the settings file may use under `keys` (the reader's actions) and `theme` (the elements it
 * paints, and the styles they take). They live here, free of React and Ink, so that reading the settings
 * rejects a typo for every command, headless or not, as it rejects any other unknown key.
 * The action names are the reader's command table's own (reader-actions.ts); the theme (ui/theme.ts)
 * must use exactly these element names: test/settings-names.test.ts compares them.
 */
import { ACTIONS } from './reader-actions.js';
import { backgroundColorNames, foregroundColorNames, modifierNames } from 'chalk';

/** The reader's actions, from its command table (reader-actions.ts). */
export const KEY_ACTIONS: readonly string[] = ACTIONS;

export const THEME_ELEMENTS: readonly string[] = [
  'header',
  'selected',
  'unread',
  'read',
  'feed',
  'age',
  'comments',
  'star',
  'status',
  'border',
  'error',
  'author',
  'op',
  'score',
  'match',
];

const STYLE_NAMES = new Set<string>([...modifierNames, ...foregroundColorNames, ...backgroundColorNames]);

/** A chalk style name ("cyan", "blueBright", "bgRed", "inverse") or a hex colour ("#ff8800"). */
export function isThemeStyle(spec: string): boolean {
  return /^#[0-9a-f]{6}$/i.test(spec) || STYLE_NAMES.has(spec);
}

/**
 * The first problem with the names under `keys` and `theme`, as "<key path> <what is wrong>", or null.
 * The schema has already checked the shapes (arrays of strings, strings).
 */
export function namesProblem(raw: { keys?: unknown; theme?: unknown }): string | null {
  const keys = Object.keys((raw.keys ?? {}) as object);
  const actions = keys.filter((k) => !KEY_ACTIONS.includes(k));
  if (actions.length > 0) return `keys has an unknown action (${quoted(actions)}; ? in the reader lists them)`;
  const theme = (raw.theme ?? {}) as Record<string, string>;
  const elements = Object.keys(theme).filter((k) => !THEME_ELEMENTS.includes(k));
  if (elements.length > 0) return `theme has an unknown key (${quoted(elements)}; the elements are ${THEME_ELEMENTS.join(', ')})`;
  for (const [element, spec] of Object.entries(theme)) {
    if (!isThemeStyle(spec)) return `theme.${element} is not a colour (${quoted([spec])}; use a chalk name such as cyan, or #rrggbb)`;
  }
  return null;
}

/** Names from the user's file, quoted and cut short: the message stays one readable line. */
function quoted(names: string[]): string {
  return names.map((n) => JSON.stringify(n.length > 40 ? `${n.slice(0, 39)}…` : n)).join(', ');
}
