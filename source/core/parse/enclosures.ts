/**
 * An item's enclosures (podcast episodes, videos, images): RSS `<enclosure url length type>`, Media RSS
 * `<media:content url type fileSize medium>` (on the item or in a `<media:group>`), and Atom
 * `<link rel="enclosure" href type length>`. Read from the raw xml2js item, whose attributes every tree
 * builder keeps alike. Each URL passes safeUrl (relative ones resolved against the item's base), each
 * type is reduced to a media type's characters, each size to a positive byte count or null; a URL is
 * listed once (TypePad repeats its enclosure links), and at most MAX_ENCLOSURES per item.
 */
import { safeUrl } from '../sanitize.js';
import type { Enclosure } from '../types.js';
import { linksOf, resolveBase } from './links.js';
import { arrayOf, attr, isNode } from './nodes.js';

const MAX_ENCLOSURES = 20;

/** "audio/mpeg", or a Media RSS medium ("video") when the type is missing: lower case, nothing else. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9_.+-]*(?:\/[a-z0-9][a-z0-9_.+-]*)?$/;

function mediaType(value: string | undefined): string {
  const t = (value ?? '').split(';')[0]!.trim().toLowerCase();
  return t.length <= 100 && MEDIA_TYPE.test(t) ? t : '';
}

function byteCount(value: string | undefined): number | null {
  const t = (value ?? '').trim();
  if (!/^\d{1,15}$/.test(t)) return null;
  const n = Number(t);
  return n > 0 ? n : null;
}

class EnclosureList {
  readonly items: Enclosure[] = [];
  private seen = new Set<string>();
  add(url: string, type: string, length: number | null) {
    if (!url || this.seen.has(url) || this.items.length >= MAX_ENCLOSURES) return;
    this.seen.add(url);
    this.items.push({ url, type, length });
  }
}

/** `media:content` elements of an item, directly and inside its `media:group`s. */
function mediaContents(item: Record<string, unknown>): unknown[] {
  const groups = arrayOf(item['media:group']).filter(isNode);
  return [...arrayOf(item['media:content']), ...groups.flatMap((g) => arrayOf(g['media:content']))];
}

/** An RSS item's enclosures: `<enclosure>` first (what podcast apps play), then Media RSS. */
export function rssEnclosures(raw: Record<string, unknown>, base: string | undefined): Enclosure[] {
  const list = new EnclosureList();
  for (const e of arrayOf(raw.enclosure)) list.add(safeUrl(attr(e, 'url') ?? '', base), mediaType(attr(e, 'type')), byteCount(attr(e, 'length')));
  for (const m of mediaContents(raw)) {
    list.add(safeUrl(attr(m, 'url') ?? '', base), mediaType(attr(m, 'type')) || mediaType(attr(m, 'medium')), byteCount(attr(m, 'fileSize')));
  }
  return list.items;
}

/** An Atom entry's `rel="enclosure"` links (each resolved with its own xml:base), then Media RSS. */
export function atomEnclosures(entry: Record<string, unknown>, base: string | undefined): Enclosure[] {
  const list = new EnclosureList();
  const raw = arrayOf(entry.link);
  for (const link of linksOf(raw)) {
    if (link.rel !== 'enclosure') continue;
    const element = raw.find((r) => isNode(r) && isNode(r.$) && r.$.href === link.href);
    list.add(safeUrl(link.href, resolveBase(base, link.base)), mediaType(link.type), byteCount(attr(element, 'length')));
  }
  for (const m of mediaContents(entry)) {
    list.add(safeUrl(attr(m, 'url') ?? '', base), mediaType(attr(m, 'type')) || mediaType(attr(m, 'medium')), byteCount(attr(m, 'fileSize')));
  }
  return list.items;
}
