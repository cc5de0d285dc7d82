/**
 * Colours. Every element can be recoloured under `theme` in the settings with a chalk colour name
 * ("cyan", "gray", "blueBright") or a hex colour ("#ff8800"). NO_COLOR turns colour off.
 */
import { Chalk, type ChalkInstance } from 'chalk';

/**
 * The default palette keeps to the terminal's own ANSI colours, which its theme adapts to its
 * background, and to the ones readable on a light and a dark background alike: no yellow, white or
 * bright colours (yellow counts and rails were faint on white), and de-emphasis by `dim`, which the
 * terminal derives from the text colour, rather than gray. test/ui/theme.test.ts measures the contrast.
 */
export const DEFAULT_THEME = {
  header: 'bold',
  selected: 'inverse',
  unread: 'bold',
  read: 'dim',
  feed: 'blue',
  age: 'dim',
  comments: 'magenta',
  star: 'magenta',
  status: 'dim',
  border: 'dim',
  error: 'red',
  author: 'blue',
  op: 'red',
  score: 'dim',
  /** A search's matches in the article. */
  match: 'inverse',
} as const;

/** The comments' reply rails, one colour per depth (after the theme's rule above). */
export const RAIL_COLOURS = ['blue', 'magenta', 'red', 'green'] as const;

export type ThemeElement = keyof typeof DEFAULT_THEME;
export type Paint = Record<ThemeElement, (text: string) => string>;

export function colorEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !('NO_COLOR' in env && env.NO_COLOR !== '');
}

/** Styles that are not colours: NO_COLOR keeps them, so the cursor row stays visible (inverse). */
const MODIFIERS = new Set(['bold', 'dim', 'italic', 'underline', 'inverse', 'strikethrough']);

export function buildTheme(overrides: Record<string, string>, color = colorEnabled()): { paint: Paint; unknown: string[]; chalk: ChalkInstance } {
  const chalk = new Chalk({ level: color ? 2 : 0 });
  const modifiers = color ? chalk : new Chalk({ level: 1 });
  const unknown: string[] = [];
  const paint = {} as Paint;
  for (const element of Object.keys(DEFAULT_THEME) as ThemeElement[]) {
    const spec: string = overrides[element] ?? DEFAULT_THEME[element];
    paint[element] = styler(MODIFIERS.has(spec) ? modifiers : chalk, spec, unknown, element);
  }
  for (const key of Object.keys(overrides)) if (!(key in DEFAULT_THEME)) unknown.push(`theme.${key}`);
  return { paint, unknown, chalk };
}

function styler(chalk: ChalkInstance, spec: string, unknown: string[], element: string): (text: string) => string {
  if (/^#[0-9a-f]{6}$/i.test(spec)) return (t) => chalk.hex(spec)(t);
  const fn = (chalk as unknown as Record<string, unknown>)[spec];
  if (typeof fn === 'function') return (t) => (fn as (s: string) => string)(t);
  unknown.push(`theme.${element} (${spec})`);
  return (t) => t;
}
