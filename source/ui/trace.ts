/**
 * Timing trace for the benchmarks: with BROADSHEET_TRACE=FILE the reader appends one line per
 * keypress handled and per frame written, `key|frame <epoch ms, fractional>`, so `npm run bench`
 * can measure spawn-to-first-frame and key-to-frame without touching the terminal output.
 */
import fs from 'node:fs';

export type Trace = (event: 'key' | 'frame' | 'ready') => void;

export function openTrace(file: string | undefined): Trace | undefined {
  if (!file) return undefined;
  const fd = fs.openSync(file, 'a');
  const origin = performance.timeOrigin;
  return (event) => fs.writeSync(fd, `${event} ${(origin + performance.now()).toFixed(3)}\n`);
}
