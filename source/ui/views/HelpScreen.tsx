/** `?`: every action and the keys bound to it (after the settings' overrides). */
import React from 'react';
import { Box, Text } from 'ink';
import { ACTION_HELP, type Action, type Keymap } from '../keys.js';
import { fit } from '../format.js';
import type { Paint } from '../theme.js';

export function HelpScreen({ keymap, width, height, paint }: { keymap: Keymap; width: number; height: number; paint: Paint }) {
  const entries = (Object.keys(ACTION_HELP) as Action[]).map((action) => `${fit(keymap[action].join(' '), 16)} ${fit(action, 16)} ${ACTION_HELP[action]}`);
  const columns = width >= 150 && entries.length > height - 3 ? 2 : 1;
  const colWidth = Math.floor(width / columns);
  const perColumn = Math.ceil(entries.length / columns);
  const lines: string[] = [];
  for (let i = 0; i < perColumn; i++) {
    lines.push(Array.from({ length: columns }, (_, c) => fit(entries[c * perColumn + i] ?? '', colWidth)).join(''));
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text>{paint.header(fit(' Keys — any key closes this; rebind under "keys" in the settings file', width))}</Text>
      <Text wrap="truncate-end">{lines.slice(0, height - 2).join('\n')}</Text>
    </Box>
  );
}
