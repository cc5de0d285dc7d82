/**
 * The one way Broadsheet says how old something is, so the reader and the headless output agree:
 * the short form for lists and comment headers, the words form for messages, and a date with its age.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = 86400;

function millis(time: number | string | null): number | null {
  if (time === null) return null;
  const t = typeof time === 'number' ? time : Date.parse(time);
  return Number.isFinite(t) ? t : null;
}

/** "now", "5m", "3h", "2d", "3w" for the last five weeks; null when older (or undated). */
function recentAge(t: number, now: number): string | null {
  const s = Math.max(0, (now - t) / 1000);
  if (s < 60) return 'now';
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < DAY) return `${Math.floor(s / 3600)}h`;
  if (s < 7 * DAY) return `${Math.floor(s / DAY)}d`;
  if (s < 35 * DAY) return `${Math.floor(s / (7 * DAY))}w`;
  return null;
}

/** "now", "5m", "3h", "2d", "3w", then "Mar 4" this year, then "2019"; '' for no date. */
export function relativeAge(time: number | string | null, now = Date.now()): string {
  const t = millis(time);
  if (t === null) return '';
  const recent = recentAge(t, now);
  if (recent !== null) return recent;
  const d = new Date(t);
  return d.getUTCFullYear() === new Date(now).getUTCFullYear() ? `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}` : String(d.getUTCFullYear());
}

/**
 * "2026-11-24 (3h)": the date, and its age while the age says more than the date does. Older, the
 * date alone: "2017-07-07", never "2017-07-07 (2017)". '' for no date.
 */
export function dateWithAge(time: string | null, now = Date.now()): string {
  const t = millis(time);
  if (t === null) return '';
  const date = new Date(t).toISOString().slice(0, 10);
  const recent = recentAge(t, now);
  return recent === null ? date : `${date} (${recent})`;
}

/** "45 s", "4 min", "3 h", "2 days": how long ago, for messages ("Offline copy from 4 min ago"). */
export function ageInWords(ms: number): string {
  const s = Math.max(0, ms / 1000);
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 129600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / DAY)} days`;
}
