/**
 * Settings: a conf-backed JSON file, validated by a JSON Schema, in $BROADSHEET_HOME (or --home),
 * else in the platform's config folder. The public face of core/settings/: the rest of the tree
 * imports this module, never the folder's files.
 *
 * Two promises the folder keeps, because a settings file is the user's own work: reading never
 * writes (settings/load.ts), and a file that cannot be read or does not validate is never rewritten
 * (settings/write.ts).
 */
export { NOT_A_FEED_LOCATION, normalizeFeedUrl } from './settings/feed-url.js';
export { demoFeeds, type Home, packageRoot, resolveHome } from './settings/home.js';
export { type LoadedSettings, loadSettings } from './settings/load.js';
export { ROOT_SCHEMA, SCHEMA } from './settings/schema.js';
export {
  DEFAULTS,
  type FeedSetting,
  type KeepSetting,
  LOOKUP_SERVICES,
  type SavedSearch,
  type Settings,
  SettingsError,
  type SyncSetting,
} from './settings/types.js';
export { updateSettings } from './settings/write.js';
