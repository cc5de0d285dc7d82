/**
 * A planned feed as bytes: an RSS 2.0 or Atom 1.0 document shaped like what WordPress, podcast hosts
 * and news sites publish (content:encoded, wfw:commentRss, slash:comments, enclosures, itunes tags,
 * Atom threading), in UTF-8 or ISO-8859-1, with its quirk, fault or hostile payload applied.
 */
import { corruptDocument } from './corrupt.js';
import { hostileDoctype, hostileItems, type ItemOverride } from './hostile.js';
import { itemDate, servedSerials, sitePath, type PlannedFeed } from './plan.js';
import { articleHtml, between, cdata, escapeAttr, escapeXml, headline, phrase, pick, seeded, sentence, TOPICS, AUTHORS } from './text.js';

export interface RenderOptions {
  items: number;
  seed: number;
  bodyBytes: number;
}

export interface Rendered {
  body: Buffer;
  contentType: string;
  /** Newest item date, whole seconds (what Last-Modified says). */
  lastModified: number;
}

const rfc822 = (ms: number) => new Date(ms).toUTCString();
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function renderFeed(o: RenderOptions, feed: PlannedFeed, base: string): Rendered {
  const serials = servedSerials(feed, o.items);
  const lastModified = Math.floor(Math.max(...serials.map((s) => itemDate(feed, s))) / 1000) * 1000;
  const overrides = feed.fault ? hostileItems(feed.fault, base) : [];
  let xml: string;
  if (feed.format === 'atom') {
    xml = atomHead(feed, base, lastModified) + serials.map((s) => atomEntry(o, feed, s, base)).join('') + '</feed>\n';
  } else {
    const items = serials.map((s, i) => rssItem(o, feed, s, base, overrides[i] ?? {}));
    xml = rssHead(feed, base, lastModified, feed.fault ? hostileDoctype(feed.fault, base) : '') + items.join('') + RSS_TAIL;
  }
  if (feed.fault) xml = corruptDocument(feed.fault, xml);
  if (feed.quirk === 'crlf') xml = xml.replace(/\n/g, '\r\n');
  if (feed.quirk === 'no-declaration') xml = xml.replace(/^<\?xml[^>]*\?>\n/, '');
  if (feed.quirk === 'bom') xml = '\ufeff' + xml;

  const charset = feed.alphabet === 'utf-8' ? 'UTF-8' : 'ISO-8859-1';
  let contentType = feed.format === 'atom' ? 'application/atom+xml; charset=utf-8' : `application/rss+xml; charset=${charset}`;
  if (feed.quirk === 'text-xml') contentType = 'text/xml';
  if (feed.quirk === 'served-as-html') contentType = 'text/html; charset=UTF-8';
  let body: Buffer;
  if (feed.fault === 'bad-utf8') {
    // Says UTF-8 everywhere, is ISO-8859-1 bytes: every accented letter is an invalid UTF-8 sequence.
    body = Buffer.from(xml.replace('encoding="ISO-8859-1"', 'encoding="UTF-8"').replace(/[^\x00-\xff]/gu, '?'), 'latin1');
    contentType = 'application/rss+xml; charset=UTF-8';
  } else body = encode(xml, feed.alphabet);
  return { body, contentType, lastModified };
}

/** UTF-8 as is; ISO-8859-1 with what it cannot hold as numeric character references (never inside CDATA: see rssItem). */
function encode(xml: string, alphabet: PlannedFeed['alphabet']): Buffer {
  if (alphabet === 'utf-8') return Buffer.from(xml, 'utf8');
  return Buffer.from(
    xml.replace(/[^\x00-\xff]/gu, (c) => `&#${c.codePointAt(0)};`),
    'latin1',
  );
}

export const RSS_TAIL = '</channel>\n</rss>\n';

export function rssHead(feed: PlannedFeed, base: string, lastModified: number, doctype = ''): string {
  const site = base + sitePath(feed.index);
  const podcast = feed.kind === 'podcast';
  return `<?xml version="1.0" encoding="${feed.alphabet === 'utf-8' ? 'UTF-8' : 'ISO-8859-1'}"?>${doctype}
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:atom="http://www.w3.org/2005/Atom" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:slash="http://purl.org/rss/1.0/modules/slash/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"${podcast ? '\n  xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"' : ''}>
<channel>
  <title>${escapeXml(feed.title)}</title>
  <atom:link href="${escapeAttr(feed.url)}" rel="self" type="application/rss+xml"/>
  <link>${site}/</link>
  <description>${escapeXml(`${feed.topic}, by ${feed.author}`)}</description>
  <language>${feed.alphabet === 'utf-8' ? 'en-GB' : 'fr-FR'}</language>
  <lastBuildDate>${rfc822(lastModified)}</lastBuildDate>
  <sy:updatePeriod>hourly</sy:updatePeriod>
  <generator>broadsheet test farm</generator>
  <image><url>${base}/media/logo-${feed.index}.png</url><title>${escapeXml(feed.title)}</title><link>${site}/</link></image>
${podcast ? `  <itunes:author>${escapeXml(feed.author)}</itunes:author>\n  <itunes:category text="${escapeAttr(feed.topic)}"/>\n` : ''}`;
}

/** What every item draws from its own seeded stream, whatever the format. */
function itemBasics(o: RenderOptions, feed: PlannedFeed, serial: number, base: string) {
  const rng = seeded(o.seed, 'item', feed.index, serial);
  const site = base + sitePath(feed.index);
  const date = itemDate(feed, serial);
  const d = new Date(date);
  const slug =
    phrase(rng, 2, 4, 'utf-8')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'post';
  let link = `${site}/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${slug}-${serial}.html`;
  if (feed.quirk === 'relative-links') link = link.slice(base.length);
  const title = headline(rng, feed.alphabet);
  const author = rng() < 0.85 ? feed.author : pick(rng, AUTHORS);
  const categories = Array.from({ length: between(rng, 1, 3) }, () => (rng() < 0.6 ? feed.topic : pick(rng, TOPICS)));
  const html = articleHtml(rng, o.bodyBytes, { site, media: `${base}/media`, alphabet: feed.alphabet, xhtml: feed.kind === 'xhtml' });
  const summary = `${sentence(rng, 18, 40, feed.alphabet).slice(0, 280)} […]`;
  return { rng, site, date, link, title, author, categories, html, summary, comments: between(rng, 0, 60) };
}

export function rssItem(o: RenderOptions, feed: PlannedFeed, serial: number, base: string, over: ItemOverride = {}): string {
  const it = itemBasics(o, feed, serial, base);
  // CDATA cannot hold the character references a Latin-1 document needs for other scripts.
  const useCdata = feed.alphabet === 'utf-8';
  const text = (s: string) => (useCdata ? cdata(s) : escapeXml(s));
  let title = escapeXml(it.title);
  if (feed.quirk === 'double-escaped') title = escapeXml(title) + ' &amp;amp; more';
  let date = `    <pubDate>${rfc822(it.date)}</pubDate>\n`;
  if (feed.quirk === 'iso-dates') date = `    <pubDate>${iso(it.date).replace('Z', '+00:00')}</pubDate>\n`;
  if (feed.quirk === 'no-dates') date = '';
  let guid = '';
  if (feed.quirk !== 'no-guid') {
    // Duplicate guids: every pair of items shares one (the reader keeps the first).
    const id = feed.quirk === 'duplicate-guids' ? serial - (serial % 2) : serial;
    guid =
      feed.quirk === 'duplicate-guids' || it.rng() < 0.5
        ? `    <guid isPermaLink="false">${it.site}/?p=${id}</guid>\n`
        : `    <guid>${escapeXml(it.link)}</guid>\n`;
  }
  const link = over.link ?? escapeXml(it.link);
  let xml = `  <item>
    <title>${over.title ?? title}</title>
    <link>${link}</link>
    <comments>${over.comments ?? `${escapeXml(it.link)}#comments`}</comments>
    <dc:creator>${over.author ?? text(it.author)}</dc:creator>
${date}${(over.category ? [over.category] : it.categories.map(text)).map((c) => `    <category>${c}</category>`).join('\n')}
${guid}`;
  const html = over.html ?? it.html;
  if (feed.kind === 'news') xml += `    <description>${over.rawHtml ?? escapeXml(html)}</description>\n`;
  else {
    xml += `    <description>${over.rawHtml ?? text(it.summary)}</description>
    <content:encoded>${over.rawHtml ?? text(html)}</content:encoded>
    <wfw:commentRss>${escapeXml(it.link)}/feed/</wfw:commentRss>
    <slash:comments>${it.comments}</slash:comments>\n`;
  }
  if (feed.kind === 'podcast') {
    const audio = over.enclosure ?? escapeAttr(`${base}/media/${feed.index}/episode-${serial}.mp3`);
    xml += `    <enclosure url="${audio}" length="${between(it.rng, 4e6, 8e7)}" type="audio/mpeg"/>
    <itunes:duration>${between(it.rng, 12, 95)}:${String(between(it.rng, 0, 59)).padStart(2, '0')}</itunes:duration>
    <itunes:episode>${serial + 1}</itunes:episode>\n`;
  }
  return xml + '  </item>\n';
}

function atomHead(feed: PlannedFeed, base: string, lastModified: number): string {
  const site = base + sitePath(feed.index);
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0" xml:lang="en">
  <title type="text">${escapeXml(feed.title)}</title>
  <subtitle type="html">${escapeXml(`${escapeXml(feed.topic)} &amp; more`)}</subtitle>
  <id>tag:farm.test,2025:feed-${feed.index}</id>
  <updated>${iso(lastModified)}</updated>
  <link rel="alternate" type="text/html" href="${site}/"/>
  <link rel="self" type="application/atom+xml" href="${escapeAttr(feed.url)}"/>
  <author><name>${escapeXml(feed.author)}</name></author>
  <generator uri="${base}/">broadsheet test farm</generator>
  <icon>${base}/media/logo-${feed.index}.png</icon>
`;
}

function atomEntry(o: RenderOptions, feed: PlannedFeed, serial: number, base: string): string {
  const it = itemBasics(o, feed, serial, base);
  const content =
    feed.kind === 'xhtml'
      ? `<content type="xhtml" xml:base="${it.site}/"><div xmlns="http://www.w3.org/1999/xhtml">${it.html}</div></content>`
      : `<content type="html" xml:base="${it.site}/">${escapeXml(it.html)}</content>`;
  const audio =
    it.rng() < 0.1
      ? `\n    <link rel="enclosure" type="audio/mpeg" length="${between(it.rng, 1e6, 5e7)}" href="${base}/media/${feed.index}/${serial}.mp3"/>`
      : '';
  return `  <entry>
    <title type="html">${escapeXml(escapeXml(it.title))}</title>
    <link rel="alternate" type="text/html" href="${escapeAttr(it.link)}"/>
    <link rel="replies" type="application/atom+xml" href="${escapeAttr(it.link)}/comments/feed/" thr:count="${it.comments}"/>
    <id>tag:farm.test,2025:feed-${feed.index}/post-${serial}</id>
    <published>${iso(it.date)}</published>
    <updated>${iso(it.date + between(it.rng, 0, 3) * 3_600_000)}</updated>
    <author><name>${escapeXml(it.author)}</name><uri>${it.site}/author/${between(it.rng, 1, 40)}</uri></author>
${it.categories.map((c) => `    <category term="${escapeAttr(c)}" scheme="${it.site}/tags/"/>`).join('\n')}
    <summary type="text">${escapeXml(it.summary)}</summary>
    ${content}${audio}
  </entry>
`;
}
