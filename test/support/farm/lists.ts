/**
 * The farm's feed lists as other programs read them: a newsboat `urls` file (one URL a line, the topic
 * as a quoted tag), an OPML 2.0 subscription list grouped by topic, and a JSON manifest saying which
 * feed is which (format, encoding, quirk, fault, where a redirect leads).
 */
import fs from 'node:fs';
import path from 'node:path';
import { escapeAttr } from './text.js';
import { sitePath, type Affliction, type PlannedFeed, type Quirk } from './plan.js';

/** One feed as the manifest lists it. */
export interface FarmFeed {
  index: number;
  url: string;
  title: string;
  format: 'rss' | 'atom';
  encoding: 'utf-8' | 'iso-8859-1';
  kind: PlannedFeed['kind'];
  topic: string;
  quirk: Quirk | null;
  fault: Affliction | null;
  /** For redirects and the HTML page: the healthy feed they lead to. */
  redirectsTo?: string;
  /** Items served ('streamed' for the endless feed), and the document's size at start. */
  items: number | 'streamed';
  bytes: number;
}

export function describeFeed(feed: PlannedFeed, items: number, bytes: number): FarmFeed {
  const leads = feed.fault === 'redirect-301' || feed.fault === 'redirect-chain' || feed.fault === 'redirect-loop' || feed.fault === 'html-page';
  return {
    index: feed.index,
    url: feed.url,
    title: feed.title,
    format: feed.format,
    encoding: feed.alphabet === 'utf-8' ? 'utf-8' : 'iso-8859-1',
    kind: feed.kind,
    topic: feed.topic,
    quirk: feed.quirk,
    fault: feed.fault,
    ...(leads && feed.target ? { redirectsTo: feed.target.url } : {}),
    items: feed.fault === 'huge' ? 'streamed' : items,
    bytes,
  };
}

export function urlsFile(feeds: FarmFeed[], tags = true): string {
  return feeds.map((f) => (tags ? `${f.url} "${f.topic}"` : f.url)).join('\n') + '\n';
}

export function opmlFile(feeds: FarmFeed[], base: string): string {
  const byTopic = new Map<string, FarmFeed[]>();
  for (const f of feeds) byTopic.set(f.topic, [...(byTopic.get(f.topic) ?? []), f]);
  const groups = [...byTopic].map(([topic, list]) => {
    const outlines = list.map(
      (f) =>
        `    <outline type="rss" text="${escapeAttr(f.title)}" title="${escapeAttr(f.title)}" xmlUrl="${escapeAttr(f.url)}" htmlUrl="${base}${sitePath(f.index)}/"/>`,
    );
    return `  <outline text="${escapeAttr(topic)}" title="${escapeAttr(topic)}">\n${outlines.join('\n')}\n  </outline>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
<head>
  <title>Broadsheet test farm: ${feeds.length} feeds</title>
</head>
<body>
${groups.join('\n')}
</body>
</opml>
`;
}

export interface ListFiles {
  urls: string;
  opml: string;
  manifest: string;
}

/** Write urls, feeds.opml and manifest.json into `dir` (created if needed). */
export function writeLists(dir: string, feeds: FarmFeed[], base: string, options: object): ListFiles {
  fs.mkdirSync(dir, { recursive: true });
  const files = { urls: path.join(dir, 'urls'), opml: path.join(dir, 'feeds.opml'), manifest: path.join(dir, 'manifest.json') };
  fs.writeFileSync(files.urls, urlsFile(feeds));
  fs.writeFileSync(files.opml, opmlFile(feeds, base));
  fs.writeFileSync(files.manifest, JSON.stringify({ base, options, feeds }, null, 1) + '\n');
  return files;
}
