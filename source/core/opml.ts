/**
 * OPML import and export. Import accepts only http(s) feed URLs and local files (file: URLs on this
 * machine, as the export writes them, and absolute paths): newsboat once created `exec:` subscriptions
 * from an OPML file (PR #3400), and a subscription here must never run anything. A local file is only
 * ever read as a feed. Relative paths are refused: relative to what would be a guess.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import type { FeedSetting } from './settings.js';
import { safeUrl, sanitizeLine } from './sanitize.js';

export interface OpmlImport {
  feeds: FeedSetting[];
  /** Outlines with an xmlUrl that was refused, and why. */
  rejected: { url: string; reason: string }[];
}

export function parseOpml(xml: string): OpmlImport {
  const doc = parseDocument(xml, { xmlMode: true });
  const body = findFirst(doc.children as Element[], 'body');
  if (!body) throw new Error('not an OPML file (no <body>)');
  const feeds: FeedSetting[] = [];
  const rejected: OpmlImport['rejected'] = [];
  const seen = new Set<string>();
  const walk = (nodes: Element[], tags: string[]) => {
    for (const node of nodes) {
      if (node.type !== 'tag' || node.name !== 'outline') continue;
      const attrs = node.attribs ?? {};
      const raw = attrs.xmlUrl ?? attrs.xmlurl;
      const label = sanitizeLine(attrs.title || attrs.text || '');
      if (raw !== undefined) {
        const url = feedLocation(raw);
        if (!url) rejected.push({ url: sanitizeLine(raw), reason: 'only http(s) feed URLs and local files can be imported' });
        else if (!seen.has(url)) {
          seen.add(url);
          const categories = (attrs.category ?? '')
            .split(',')
            .map((c) => sanitizeLine(c.replace(/^\//, '')))
            .filter(Boolean);
          const allTags = [...new Set([...tags, ...categories])];
          feeds.push({ url, ...(label ? { title: label } : {}), ...(allTags.length ? { tags: allTags } : {}) });
        }
      }
      const children = (node.children ?? []) as Element[];
      if (children.length > 0) walk(children, raw === undefined && label ? [...tags, label] : tags);
    }
  };
  walk((body.children ?? []) as Element[], []);
  return { feeds, rejected };
}

/** An http(s) URL, or a local file as a file: URL (the form the settings keep); '' for anything else. */
function feedLocation(raw: string): string {
  const web = safeUrl(raw);
  if (web) return web;
  const value = raw.trim();
  if (/[\x00-\x1f\x7f]|%[01][0-9a-f]|%7f/i.test(value)) return '';
  try {
    // fileURLToPath refuses a file: URL naming another host; the round trip normalizes the encoding.
    if (/^file:\/\//i.test(value)) return pathToFileURL(fileURLToPath(value)).href;
    if (value.startsWith('/')) return pathToFileURL(value).href;
  } catch {
    // Not a usable file URL.
  }
  return '';
}

function findFirst(nodes: Element[], name: string): Element | undefined {
  for (const node of nodes) {
    if (node.type === 'tag' && node.name === name) return node;
    const inner = findFirst((node.children ?? []) as Element[], name);
    if (inner) return inner;
  }
  return undefined;
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

export function toOpml(feeds: FeedSetting[], titles: Map<string, string> = new Map()): string {
  const lines = feeds.map((f) => {
    const title = f.title ?? titles.get(f.url) ?? f.url;
    const category = f.tags?.length ? ` category="${escapeXml(f.tags.join(','))}"` : '';
    return `    <outline type="rss" text="${escapeXml(title)}" title="${escapeXml(title)}" xmlUrl="${escapeXml(f.url)}"${category}/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    '  <head><title>Broadsheet subscriptions</title></head>',
    '  <body>',
    ...lines,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}
