/**
 * The JSON Schema the settings file is validated against (conf runs it through ajv): the file's
 * contract key by key. Apart from the types because the error messages (describe.ts) walk it too.
 */
import { FILTER_SCHEMA } from '../filter-specs.js';
import { LOOKUP_SERVICES } from './types.js';

const httpUrl = { type: 'string', pattern: '^https?://[^\\s/$.?#][^\\s]*$' } as const;
/** Minutes, fractions allowed (0.05 is three seconds, for tests); at most a week. */
const RELOAD_MINUTES = { type: 'number', minimum: 0, maximum: 10_080 } as const;
const strictObject = (properties: Record<string, unknown>) => ({ type: 'object', additionalProperties: false, properties }) as const;
const keepSchema = strictObject({
  days: { type: 'integer', minimum: 1, maximum: 36500 },
  perFeed: { type: 'integer', minimum: 1, maximum: 1000000 },
});

/**
 * Unknown keys are errors, so that a typo ("refreshOnstart") is caught instead of silently
 * ignored; keys starting with "$" or "//" are allowed as comments and kept on every write.
 */
export const SCHEMA = {
  feeds: {
    type: 'array',
    items: {
      type: 'object',
      required: ['url'],
      additionalProperties: false,
      properties: {
        // A feed may be a local file path or a file:// URL, as the bundled demo feeds are.
        url: { type: 'string', minLength: 1, pattern: '^(https?://[^\\s/$.?#][^\\s]*|file://\\S+|[/.~]\\S*)$' },
        title: { type: 'string' },
        tags: { type: 'array', items: { type: 'string', minLength: 1 } },
        fullText: { type: 'boolean' },
        lookup: { type: 'boolean' },
        auth: {
          type: 'object',
          required: ['user', 'passwordCommand'],
          additionalProperties: false,
          properties: { user: { type: 'string', minLength: 1 }, passwordCommand: { type: 'string', minLength: 1 } },
        },
        keep: keepSchema,
        reloadMinutes: RELOAD_MINUTES,
      },
    },
  },
  fetch: strictObject({
    concurrency: { type: 'integer', minimum: 1, maximum: 64 },
    perHost: { type: 'integer', minimum: 1, maximum: 64 },
    timeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 600 },
    maxBytes: { type: 'integer', minimum: 1024 },
    pageMaxBytes: { type: 'integer', minimum: 1024 },
  }),
  refreshOnStart: { type: 'boolean' },
  reloadMinutes: RELOAD_MINUTES,
  markReadOnOpen: { type: 'boolean' },
  mouse: { type: 'boolean' },
  keys: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string', minLength: 1 } } },
  theme: { type: 'object', additionalProperties: { type: 'string' } },
  sources: strictObject({
    hackernews: strictObject({ api: httpUrl }),
    reddit: strictObject({ base: httpUrl }),
    lobsters: strictObject({ base: httpUrl }),
    bluesky: strictObject({ api: httpUrl, web: httpUrl }),
  }),
  discussions: strictObject({
    lookup: { type: 'array', uniqueItems: true, items: { enum: [...LOOKUP_SERVICES] } },
  }),
  filters: FILTER_SCHEMA,
  views: {
    type: 'array',
    items: { ...strictObject({ name: { type: 'string', minLength: 1 }, query: { type: 'string', pattern: '[\\p{L}\\p{N}]' } }), required: ['name', 'query'] },
  },
  sync: {
    ...strictObject({
      type: { enum: ['ttrss'] },
      url: httpUrl,
      user: { type: 'string', minLength: 1 },
      passwordCommand: { type: 'string', minLength: 1 },
    }),
    required: ['type', 'url', 'user', 'passwordCommand'],
  },
  keep: keepSchema,
};

export const ROOT_SCHEMA = { additionalProperties: false, patternProperties: { '^(\\$|//)': {} } };
