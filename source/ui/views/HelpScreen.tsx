/** `?`: every action and the keys bound to it. Scrolls with j/k when it does not fit; any other key closes it. */
import { Box, Text } from 'ink';
import type { Keymap } from '../keys.js';
import { fit } from '../format.js';
import type { Paint } from '../theme.js';
import { helpLines } from './help-lines.js';

export function HelpScreen({ keymap, width, height, scroll, paint }: { keymap: Keymap; width: number; height: number; scroll: number; paint: Paint }) {
  const lines = helpLines(keymap, width);
  const room = height - 2;
  const shown = lines.slice(scroll, scroll + room);
  const more = scroll + room < lines.length ? `  ${lines.length - scroll - room} more: j/k scroll` : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text>{paint.header(fit(' Keys — any other key closes this; rebind them under "keys" in the settings file', width))}</Text>
      <Box height={room} width={width} overflow="hidden">
        <Text wrap="truncate-end">{shown.join('\n')}</Text>
      </Box>
      <Text>{paint.status(fit(more || ' ', width))}</Text>
    </Box>
  );
}
