/** Thin Ink views: each draws lines the controller and the line builders computed. */
import React from 'react';
import { Box, Text } from 'ink';
import type { Paint } from '../theme.js';
import { clip } from '../format.js';

/** A pane of exactly `height` lines, with a rule on its left when it is not the first pane. */
export const Pane = React.memo(function Pane(props: { lines: string[]; width: number; height: number; rule: boolean; paint: Paint; focused: boolean }) {
  const { lines, width, height, rule, paint } = props;
  const inner = rule ? width - 1 : width;
  // Ink truncates a multi-line text as one string when any line is too wide, which hid every row after
  // it: each line is held to the pane's width here, whatever built it.
  const body = lines.slice(0, height).map((line) => clip(line, inner));
  while (body.length < height) body.push('');
  const ruleText = paint.border(Array.from({ length: height }, () => (props.focused ? '┃' : '│')).join('\n'));
  return (
    <Box width={width} height={height} flexDirection="row">
      {rule ? <Text>{ruleText}</Text> : null}
      {/* No overflow="hidden": every line is already cut to the width, and clipping cost a fifth of a keypress. */}
      <Box width={inner} height={height} flexDirection="column">
        <Text wrap="truncate-end">{body.join('\n')}</Text>
      </Box>
    </Box>
  );
});

export function OneLine(props: { text: string; width: number }) {
  return (
    <Box width={props.width} height={1}>
      <Text wrap="truncate-end">{props.text}</Text>
    </Box>
  );
}
