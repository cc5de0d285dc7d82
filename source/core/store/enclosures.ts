/**
 * An article's enclosures as the cache keeps them: a JSON array in bodies.enclosures, NULL when there
 * are none. Read back field by field, so a damaged or hand-edited cache yields fewer enclosures, never
 * a control character on screen: a URL must still be what safeUrl made of it (http(s), printable ASCII).
 */
import type { Enclosure } from '../types.js';

const CLEAN_URL = /^https?:\/\/[\x21-\x7e]{1,8000}$/;

export function enclosuresToJson(enclosures: readonly Enclosure[] | undefined): string | null {
  return enclosures && enclosures.length > 0 ? JSON.stringify(enclosures.map(({ url, type, length }) => ({ url, type, length }))) : null;
}

export function enclosuresFromJson(text: unknown): Enclosure[] {
  if (typeof text !== 'string' || text === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  const out: Enclosure[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) continue;
    const { url, type, length } = item as Record<string, unknown>;
    if (typeof url !== 'string' || !CLEAN_URL.test(url)) continue;
    out.push({
      url,
      type: typeof type === 'string' && /^[a-z0-9_.+/-]{0,100}$/.test(type) ? type : '',
      length: typeof length === 'number' && Number.isSafeInteger(length) && length > 0 ? length : null,
    });
  }
  return out;
}
