/**
 * Helpers for comparing the fast tree (parse/fast-tree.ts) with the strict one (xml2js over sax): an
 * exact comparison (values, key order, prototypes), the strict parse's outcome as a value, and the
 * feed-like files among the fixtures.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { normalizeTree, type XmlNode } from '../../source/core/parse.js';
import { parseXmlFast } from '../../source/core/parse/fast-tree.js';
import { parseXml } from '../../source/core/parse/rss-parser.js';

/**
 * A tree with what toEqual ignores made visible: the order of keys (textOf joins children in key order)
 * and each object's prototype (xml2js's elements, `$` objects and root have none).
 */
export function exactShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(exactShape);
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  return {
    prototype: Object.getPrototypeOf(object) === null ? 'none' : 'Object',
    entries: Object.keys(object).map((key) => [key, exactShape(object[key])]),
  };
}

/** The strict parse's tree, or the error it threw. */
export function strictOutcome(text: string): { tree: XmlNode } | { error: unknown } {
  try {
    return { tree: parseXml(text) };
  } catch (error) {
    return { error };
  }
}

/** The normalized feed, or the message of the error normalizeTree threw. */
function normalized(tree: XmlNode): unknown {
  try {
    return normalizeTree(tree, 'https://feeds.example.org/feed.xml');
  } catch (error) {
    return { threw: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/**
 * When the fast pass gives a tree: the strict parse succeeds on the same text with an identical tree,
 * and both normalize to equal feeds. Returns whether the fast pass gave a tree.
 */
export function expectFastMatchesStrict(text: string, label: string): boolean {
  const fast = parseXmlFast(text);
  if (fast === null) return false;
  const strict = strictOutcome(text);
  if ('error' in strict) throw new Error(`${label}: fast tree, but the strict parse failed: ${String(strict.error)}`);
  expect(fast, label).toEqual(strict.tree);
  expect(exactShape(fast), label).toEqual(exactShape(strict.tree));
  // normalizeTree edits the trees it reads (guards), so it runs after the comparison.
  expect(normalized(fast), label).toEqual(normalized(strict.tree));
  return true;
}

export function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(file, keep));
    else if (keep(file)) out.push(file);
  }
  return out.sort();
}

/** Feeds, not golden outputs, JSON captures, HTML snippets or notes. */
export const isFeedFile = (file: string): boolean => /\.(?:xml|rss|atom|rdf)$/i.test(file);
