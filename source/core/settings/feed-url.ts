/**
 * What a feed location becomes in the settings file: URLs as given, local paths absolute file://
 * URLs. Apart from reading and writing because `add`, OPML import and sync all normalize before they
 * compare or store.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SettingsError } from './types.js';

export const NOT_A_FEED_LOCATION = 'only http(s) URLs and local files can be feeds';

/** Normalize a feed location the way it is stored: URLs as given, local paths made absolute file:// URLs. */
export function normalizeFeedUrl(input: string, cwd = process.cwd()): string {
  const trimmed = input.trim();
  if (/^(https?|file):\/\//i.test(trimmed)) return trimmed;
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) throw new SettingsError(`${trimmed}: ${NOT_A_FEED_LOCATION}`);
  return pathToFileURL(path.resolve(cwd, trimmed)).href;
}
