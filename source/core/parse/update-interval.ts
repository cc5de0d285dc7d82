/**
 * How often a feed says it is worth fetching: RSS 2.0's `<ttl>` (minutes) and the syndication module's
 * `sy:updatePeriod` / `sy:updateFrequency` (so many times per hour, day, week, month or year). The
 * background reloads take the longer of the two as the feed's minimum interval. Values are clamped to a
 * day: a feed that asks for a week (or, mistyped, for ten years) is still looked at daily.
 */
import { textOf, type XmlNode } from './nodes.js';

const PERIOD_MINUTES: Record<string, number> = { hourly: 60, daily: 1440, weekly: 10_080, monthly: 43_200, yearly: 525_600 };
export const MAX_FEED_INTERVAL_MINUTES = 1440;

/** The feed's own minimum reload interval in minutes, or null when it states none (or nonsense). */
export function feedIntervalMinutes(channel: XmlNode): number | null {
  const ttl = positiveNumber(child(channel, 'ttl'));
  const period = PERIOD_MINUTES[textOf(syChild(channel, 'updatePeriod')).trim().toLowerCase()];
  // The module's default frequency is 1; "0" or junk is read as that default rather than as "never".
  const frequency = positiveNumber(syChild(channel, 'updateFrequency')) ?? 1;
  const sy = period === undefined ? null : period / frequency;
  const longest = Math.max(ttl ?? 0, sy ?? 0);
  return longest > 0 ? Math.min(longest, MAX_FEED_INTERVAL_MINUTES) : null;
}

function child(node: XmlNode, name: string): unknown {
  const value = node[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The syndication module under its usual `sy:` prefix, or any other prefix a feed bound it to. */
function syChild(node: XmlNode, local: string): unknown {
  const usual = child(node, `sy:${local}`);
  if (usual !== undefined) return usual;
  for (const key of Object.keys(node)) if (key.endsWith(`:${local}`)) return child(node, key);
  return undefined;
}

function positiveNumber(value: unknown): number | null {
  const text = textOf(value).trim();
  if (!/^\+?\d{1,9}(?:\.\d+)?$/.test(text)) return null;
  const n = Number(text);
  return n > 0 ? n : null;
}
