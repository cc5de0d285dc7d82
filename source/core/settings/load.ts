/**
 * Reading the settings file: conf parses and validates it, the checks the schema cannot express
 * (action and colour names, filter expressions) follow, and DEFAULTS fill in what it leaves out.
 *
 * Reading never writes. conf rewrites the file merged with its `defaults` on construction, so
 * defaults are kept out of conf entirely and merged here, in memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { separateUrlCredentials } from '../feed-auth.js';
import { filtersProblem, type FilterSpec } from '../filter-specs.js';
import { namesProblem } from '../settings-names.js';
import { describe } from './describe.js';
import { demoFeeds, type Home } from './home.js';
import { ROOT_SCHEMA, SCHEMA } from './schema.js';
import { DEFAULTS, SettingsError, type Settings } from './types.js';

export interface LoadedSettings {
  settings: Settings;
  /** True when no settings file exists and the bundled demo feeds stand in. */
  demo: boolean;
  home: Home;
}

/** conf over the file at `home.configPath`, validating with SCHEMA; write.ts writes through it too. */
export function openStore(home: Home): Conf<Record<string, unknown>> {
  return new Conf<Record<string, unknown>>({
    projectName: 'broadsheet',
    cwd: path.dirname(home.configPath),
    configName: path.basename(home.configPath, '.json'),
    schema: SCHEMA as never,
    rootSchema: ROOT_SCHEMA as never,
    // ajv's useDefaults would mutate what we read; defaults live in DEFAULTS instead. Checking our own
    // schema against JSON Schema's meta-schema at every start cost 30 of every command's first 500 ms:
    // test/settings.test.ts checks it once (as conf does by default), and the generated validator,
    // run once per start, is not worth optimizing.
    ajvOptions: { useDefaults: false, allErrors: true, validateSchema: false, code: { optimize: false } },
    clearInvalidConfig: false,
  });
}

/** The file as written (comments and all), validated; null when there is none. Throws SettingsError. */
export function readRaw(home: Home): Record<string, unknown> | null {
  if (!fs.existsSync(home.configPath)) return null;
  let raw: Record<string, unknown>;
  try {
    // Check we may read it before conf does: conf would create the folder and say less.
    fs.accessSync(home.configPath, fs.constants.R_OK);
    raw = { ...openStore(home).store };
  } catch (error) {
    throw describe(error, home.configPath);
  }
  // The schema allows any name under `keys` and `theme`; only the reader's own names are settings.
  // Likewise any string as a filter's expression: each must compile, here, not in a refresh's worker.
  const problem = namesProblem(raw) ?? filtersProblem((raw.filters as FilterSpec[] | undefined) ?? []);
  if (problem) throw new SettingsError(`${home.configPath}: ${problem}`);
  return raw;
}

/** The file's keys over DEFAULTS: the settings every module reads. */
export function merge(raw: Record<string, unknown>): Settings {
  const r = raw as Partial<Settings>;
  return {
    feeds: (r.feeds ?? []).map(separateUrlCredentials),
    fetch: { ...DEFAULTS.fetch, ...r.fetch },
    refreshOnStart: r.refreshOnStart ?? DEFAULTS.refreshOnStart,
    reloadMinutes: r.reloadMinutes ?? DEFAULTS.reloadMinutes,
    markReadOnOpen: r.markReadOnOpen ?? DEFAULTS.markReadOnOpen,
    mouse: r.mouse ?? DEFAULTS.mouse,
    keys: { ...DEFAULTS.keys, ...r.keys },
    theme: { ...DEFAULTS.theme, ...r.theme },
    sources: {
      hackernews: { ...DEFAULTS.sources.hackernews, ...r.sources?.hackernews },
      reddit: { ...DEFAULTS.sources.reddit, ...r.sources?.reddit },
      lobsters: { ...DEFAULTS.sources.lobsters, ...r.sources?.lobsters },
      bluesky: { ...DEFAULTS.sources.bluesky, ...r.sources?.bluesky },
    },
    discussions: { lookup: [...(r.discussions?.lookup ?? DEFAULTS.discussions.lookup)] },
    filters: r.filters ?? DEFAULTS.filters,
    views: (r.views ?? DEFAULTS.views).map((v) => ({ name: v.name, query: v.query })),
    sync: r.sync ? { ...r.sync } : null,
    keep: { ...DEFAULTS.keep, ...r.keep },
  };
}

/** Read and validate the settings. Never writes. Throws SettingsError. */
export function loadSettings(home: Home): LoadedSettings {
  const raw = readRaw(home);
  if (raw === null) return { settings: { ...merge({}), feeds: demoFeeds() }, demo: true, home };
  return { settings: merge(raw), demo: false, home };
}
