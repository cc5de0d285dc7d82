/** The names the settings check accepts are exactly the ones the reader binds and paints. */
import { describe, expect, it } from 'vitest';
import { isThemeStyle, KEY_ACTIONS, THEME_ELEMENTS } from '../source/core/settings-names.js';
import { buildKeymap, DEFAULT_KEYS } from '../source/ui/keys.js';
import { buildTheme, DEFAULT_THEME } from '../source/ui/theme.js';
import { backgroundColorNames, foregroundColorNames, modifierNames } from 'chalk';

describe('settings names', () => {
  it('lists every action of the keymap, and nothing else', () => {
    expect([...KEY_ACTIONS].sort()).toEqual(Object.keys(DEFAULT_KEYS).sort());
    expect(buildKeymap(Object.fromEntries(KEY_ACTIONS.map((a) => [a, ['x']]))).unknown).toEqual([]);
  });

  it('lists every element of the theme, and nothing else', () => {
    expect([...THEME_ELEMENTS].sort()).toEqual(Object.keys(DEFAULT_THEME).sort());
  });

  it('accepts only styles the theme can paint with', () => {
    for (const spec of [...modifierNames, ...foregroundColorNames, ...backgroundColorNames, '#00ff88']) {
      expect(isThemeStyle(spec), spec).toBe(true);
      expect(buildTheme({ header: spec }, true).unknown, spec).toEqual([]);
    }
    for (const spec of ['chartreuse-ish', 'hex', 'rgb', 'level', '#fff', '', 'constructor']) expect(isThemeStyle(spec), spec).toBe(false);
  });
});
