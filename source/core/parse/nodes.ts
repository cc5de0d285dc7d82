/**
 * The xml2js tree shape every feed is normalized from: elements are objects with a null prototype,
 * children sit in arrays keyed by name, attributes under `$`, text under `_`, and text-only elements are
 * plain strings. fast-tree.ts (well-formed feeds, fast) and recover.ts (broken feeds, tolerant) build the
 * same shape from htmlparser2's tokenizer, so one set of readers serves every parse.
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

/**
 * How xml2js (explicitArray, charkey `_`, emptyTag '') closes an element whose text so far is `node._`
 * (always present, the first key): whitespace-only text is dropped unless CDATA added to it; an element
 * left with text only becomes that string, one left with nothing becomes its dropped text ('' for
 * `<a/>`, '  ' for `<a>  </a>`). Both tree builders (parse/fast-tree.ts, recover.ts) close with this;
 * `hasOtherKeys` (attributes or children) lets a builder that tracks it skip the look.
 */
export function closeElement(node: XmlNode, cdata: boolean, hasOtherKeys = hasKeysBesidesText(node)): unknown {
  const text = typeof node._ === 'string' ? node._ : '';
  // xml2js tests with JS's \s (Unicode spaces too), not with sax's four whitespace characters.
  if (!cdata && /^\s*$/.test(text)) delete node._;
  return hasOtherKeys ? node : text;
}

/** Whether an element has attributes or children (`for…in` allocates nothing; elements have no prototype). */
function hasKeysBesidesText(node: XmlNode): boolean {
  for (const key in node) if (key !== '_') return true;
  return false;
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
