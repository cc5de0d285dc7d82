/**
 * The live keymap: the command table's default keys (commands.ts), overridden per action under `keys`
 * in the settings; turning a keypress into key names; resolving a name to the action of the pane that
 * has focus; and naming an action's key back to the user, as bound.
 */
import type { Key } from 'ink';
import { ACTIONS, COMMANDS, type Action, type Keymap } from '../core/reader-actions.js';

export { ACTIONS, COMMAND, PANE_ACTIONS, type Action, type Keymap } from '../core/reader-actions.js';

export const DEFAULT_KEYS: Keymap = Object.fromEntries(COMMANDS.map((c) => [c.name, [...c.keys]])) as Keymap;

/** Settings may rebind any action; unknown action names are reported, not ignored. */
export function buildKeymap(overrides: Record<string, string[]>): { keymap: Keymap; unknown: string[] } {
  const keymap = { ...DEFAULT_KEYS };
  const unknown: string[] = [];
  for (const [action, keys] of Object.entries(overrides)) {
    if ((ACTIONS as readonly string[]).includes(action)) keymap[action as Action] = keys;
    else unknown.push(action);
  }
  return { keymap, unknown };
}

const SHOWN: Record<string, string> = {
  space: 'Space',
  enter: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  backspace: 'Backspace',
  pagedown: 'PgDn',
  pageup: 'PgUp',
  home: 'Home',
  end: 'End',
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
};

/** A key name as the user reads it: 'Space', 'Ctrl-d', 'j'. */
export function showKey(name: string): string {
  if (SHOWN[name]) return SHOWN[name];
  if (name.startsWith('ctrl+')) return `Ctrl-${name.slice(5)}`;
  if (name.startsWith('meta+')) return `Alt-${name.slice(5)}`;
  return name;
}

/** The key that does `action`, as bound now (its first key), for hints and messages; '(unbound)' when none. */
export function keyOf(keymap: Keymap, action: Action): string {
  const first = keymap[action][0];
  return first === undefined ? '(unbound)' : showKey(first);
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
  // Keys typed fast arrive as one string ('jjjj'; README, Design: "Ink on Node 20"): one name per character.
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
