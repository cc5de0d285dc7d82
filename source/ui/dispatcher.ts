/**
 * The one key dispatcher: an ordered stack of layers, each of which consumes a key or passes it on.
 * A prompt takes every key first (it is typing); then the help screen, a yes/no question, the count
 * prefix for links (`3 o`), the comments pane's own keys, and last the focused pane's actions from the
 * command table. The controller batches what a key changes, so one key press redraws once.
 */
import { COMMAND, PANE_ACTIONS, type Action } from '../core/reader-actions.js';
import { keyOf, resolveAction } from './keys.js';
import { editLine } from './state/line-edit.js';
import { layout } from './state/reader.js';
import { helpLineCount } from './views/help-lines.js';
import type { ReaderContext } from './reader-context.js';

type Layer = (c: ReaderContext, name: string) => boolean;

/**
 * Text prompts are edited here, not by ink-text-input's own useInput: its onSubmit sees the value of
 * the last render, so text and Enter arriving in two chunks before React re-rendered lost the text.
 */
const promptLayer: Layer = (c, name) => {
  const prompt = c.state.prompt;
  if (prompt?.kind !== 'search' && prompt?.kind !== 'add-feed') return false;
  // A quit key that cannot be typed (Ctrl-C) still quits from a prompt.
  if (name.startsWith('ctrl+') && resolveAction(name, ['quit-now'], c.keymap)) {
    c.perform('quit-now');
    return true;
  }
  if (prompt.kind === 'add-feed' && prompt.busy) return true;
  const edit = editLine(prompt.value, name);
  if (edit === 'cancel') prompt.kind === 'search' ? c.applySearch('') : c.dispatch({ type: 'prompt', prompt: null });
  else if (edit === 'submit') prompt.kind === 'search' ? c.applySearch(prompt.value) : c.submitAddFeed(prompt.value);
  else if (edit !== prompt.value) c.dispatch({ type: 'prompt', prompt: { ...prompt, value: edit } });
  return true;
};

/** The help scrolls with the movement keys when it does not fit; any other key closes it (and quit-now quits). */
const helpLayer: Layer = (c, name) => {
  if (!c.state.help) return false;
  const steps: Partial<Record<Action, number>> = { down: 1, up: -1, 'page-down': 10, 'page-up': -10, 'half-page-down': 5, 'half-page-up': -5 };
  const move = resolveAction(name, Object.keys(steps) as Action[], c.keymap);
  const by = move && steps[move];
  if (by) {
    c.dispatch({ type: 'help-scroll', by, lineCount: helpLineCount(c.state.columns) });
    return true;
  }
  c.dispatch({ type: 'help', show: false });
  if (resolveAction(name, ['quit-now'], c.keymap)) c.perform('quit-now');
  return true;
};

const confirmLayer: Layer = (c, name) => {
  const prompt = c.state.prompt;
  if (prompt?.kind !== 'confirm-mark-all' && prompt?.kind !== 'confirm-remove-feed') return false;
  c.dispatch({ type: 'prompt', prompt: null });
  const yes = name === 'y' || name === 'Y';
  if (prompt.kind === 'confirm-mark-all') {
    if (yes) c.markAllRead();
    else c.dispatch({ type: 'status', text: 'Nothing marked.' });
  } else if (yes) c.removeFeed(prompt.url, prompt.title);
  else c.dispatch({ type: 'status', text: 'Nothing removed.' });
  return true;
};

/** `1`-`9` before the open key: link N of the article. A link the article does not have is said at once. */
const countLayer: Layer = (c, name) => {
  const s = c.state;
  if (!/^[1-9]$/.test(name) || (s.focus !== 'article' && s.focus !== 'list')) return false;
  const digits = (s.digits + name).slice(-3);
  const links = c.linksInView();
  c.dispatch({ type: 'digit', digit: name });
  if (links !== undefined && Number(digits) > links) {
    // Kept, so that the open key that follows says so again rather than open the article itself.
    const have = links === 0 ? 'This article has no links.' : links === 1 ? 'This article has one link.' : `This article has ${links} links.`;
    c.dispatch({ type: 'status', text: `No link ${digits}. ${have}` });
    return true;
  }
  c.dispatch({ type: 'status', text: `Link ${digits}: ${keyOf(c.keymap, 'open-browser')} opens it.` });
  return true;
};

const commentsLayer: Layer = (c, name) => {
  if (c.state.focus !== 'comments') return false;
  const action = resolveAction(name, PANE_ACTIONS.comments, c.keymap);
  if (!action) return false;
  const status = c.state.status;
  if (!c.comments.perform(action, layout(c.state).bodyHeight)) return false;
  if (status && c.state.status === status) c.dispatch({ type: 'status', text: null });
  return true;
};

/** The focused pane's actions that apply now: those for a search only while one is in force. */
function paneActions(c: ReaderContext): Action[] {
  const actions = PANE_ACTIONS[c.state.focus];
  return c.storeScope().search ? actions : actions.filter((a) => !COMMAND[a].whileSearching);
}

const paneLayer: Layer = (c, name) => {
  const action = resolveAction(name, paneActions(c), c.keymap);
  if (action !== 'open-browser') c.dispatch({ type: 'clear-digits' });
  if (!action) return false;
  if (c.state.status && action !== 'undo') c.dispatch({ type: 'status', text: null });
  c.perform(action);
  return true;
};

export const LAYERS: readonly Layer[] = [promptLayer, helpLayer, confirmLayer, countLayer, commentsLayer, paneLayer];

export function dispatchKey(c: ReaderContext, name: string): void {
  for (const layer of LAYERS) if (layer(c, name)) return;
}
