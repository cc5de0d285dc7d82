/**
 * The `filters` of the settings file as the user writes them: their JSON Schema, and the checks the
 * schema cannot make (each expression compiles, each action is one we know), so a bad filter stops
 * every command and the reader at start, naming it, instead of failing quietly during a refresh.
 * Running them is filters.ts's job; this module stays small because settings/ loads it at every start.
 */

/** The article and feed fields a filter may match, each a case-insensitive regular expression. */
export const MATCH_KEYS = ['feed', 'tag', 'title', 'author', 'text'] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];

export interface FilterSpec {
  match: Partial<Record<MatchKey, string>>;
  /** "hide", "read", "star", or "tag:NAME". */
  action: string;
}

export type FilterAction = { kind: 'hide' } | { kind: 'read' } | { kind: 'star' } | { kind: 'tag'; tag: string };

/** Expressions are searched for anywhere in the field, ignoring case (like newsboat's `=~`). */
export const FILTER_FLAGS = 'i';

export const FILTER_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['match', 'action'],
    additionalProperties: false,
    properties: {
      match: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(MATCH_KEYS.map((key) => [key, { type: 'string' }])),
      },
      action: { type: 'string' },
    },
  },
} as const;

/** The action a filter's `action` names, or undefined when it names none. */
export function parseAction(action: string): FilterAction | undefined {
  if (action === 'hide' || action === 'read' || action === 'star') return { kind: action };
  const tag = /^tag:(.+)$/s.exec(action)?.[1]?.trim();
  return tag ? { kind: 'tag', tag } : undefined;
}

/** How a filter is named in messages: its place in the settings file. */
export const filterName = (index: number) => `filters[${index}]`;

/**
 * The first problem of filters that passed the schema, as "filters[2].match.title: …", or null.
 * An empty match is refused: it would apply the action to every new article, surely not what was meant.
 */
export function filtersProblem(filters: readonly FilterSpec[]): string | null {
  for (const [index, filter] of filters.entries()) {
    const name = filterName(index);
    const keys = MATCH_KEYS.filter((key) => filter.match[key] !== undefined);
    if (keys.length === 0) return `${name}.match: needs at least one of ${MATCH_KEYS.join(', ')}`;
    for (const key of keys) {
      try {
        new RegExp(filter.match[key]!, FILTER_FLAGS);
      } catch (error) {
        const why = String((error as Error).message).replace(/^Invalid regular expression: /, '');
        return `${name}.match.${key}: invalid regular expression: ${why}`;
      }
    }
    if (!parseAction(filter.action)) return `${name}.action: must be "hide", "read", "star" or "tag:NAME" (got ${JSON.stringify(filter.action)})`;
  }
  return null;
}
