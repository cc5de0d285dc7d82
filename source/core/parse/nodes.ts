/**
 * The xml2js tree shape every feed is normalized from: elements are objects with a null prototype,
 * children sit in arrays keyed by name, attributes under `$`, text under `_`, and text-only elements are
 * plain strings. recover.ts builds the same shape from its tolerant tokenizer, so one set of readers
 * serves both parses.
 */

/** An xml2js node: element objects have a null prototype; text-only elements are plain strings. */
export type XmlNode = Record<string, unknown>;

export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asNode(value: unknown): XmlNode {
  return isNode(value) ? value : nodeWith({});
}

export function nodeWith(fields: Record<string, unknown>): XmlNode {
  return Object.assign(Object.create(null) as XmlNode, fields);
}

export function arrayOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** An attribute of an element (xml2js keeps them under `$`), as a string, or undefined. */
export function attr(element: unknown, name: string): string | undefined {
  const node = arrayOf(element)[0];
  if (!isNode(node) || !isNode(node.$)) return undefined;
  const value = node.$[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The text of an xml2js value: a string; `{_: text, $: attrs}`; an array (its first element); or an
 * element tree (e.g. an xhtml title), whose text parts are joined (xml2js groups children by name, so
 * mixed-content order is approximate).
 */
export function textOf(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length > 0 ? textOf(value[0], depth) : '';
  if (!isNode(value) || depth > 16) return '';
  const own = typeof value._ === 'string' ? value._ : '';
  const parts: string[] = own ? [own] : [];
  for (const key of Object.keys(value)) {
    if (key === '$' || key === '_') continue;
    for (const child of arrayOf(value[key])) {
      const text = textOf(child, depth + 1);
      if (text) parts.push(text);
    }
  }
  return parts.length <= 1 ? (parts[0] ?? '') : parts.join(' ');
}
