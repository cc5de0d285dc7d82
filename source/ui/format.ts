/** Small text helpers for the views: terminal-column-aware fitting and relative ages. */
import stringWidth from 'string-width';
import cliTruncate from 'cli-truncate';

/** Cut or pad `text` to exactly `width` terminal columns (CJK and emoji count double). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const w = stringWidth(text);
  if (w > width) return cliTruncate(text, width, { position: 'end' });
  return text + ' '.repeat(width - w);
}

/** Cut `text` to at most `width` columns without padding. */
export function cut(text: string, width: number): string {
  if (width <= 0) return '';
  return stringWidth(text) > width ? cliTruncate(text, width, { position: 'end' }) : text;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "now", "5m", "3h", "2d", "3w", then "Mar 4", then "2019". */
export function relativeAge(time: number | string | null, now = Date.now()): string {
  if (time === null) return '';
  const t = typeof time === 'number' ? time : Date.parse(time);
  if (!Number.isFinite(t)) return '';
  const s = Math.max(0, (now - t) / 1000);
  if (s < 60) return 'now';
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  if (s < 7 * 86400) return `${Math.floor(s / 86400)}d`;
  if (s < 35 * 86400) return `${Math.floor(s / (7 * 86400))}w`;
  const d = new Date(t);
  const n = new Date(now);
  return d.getUTCFullYear() === n.getUTCFullYear() ? `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}` : String(d.getUTCFullYear());
}

/** "4 minutes ago" style, for cache ages in messages. */
export function ageInWords(ms: number): string {
  const s = Math.max(0, ms / 1000);
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 129600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}
