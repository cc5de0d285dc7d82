/**
 * The last step of every parse: the fields the Atom or RSS normalizer read from each item become
 * sanitized Articles with stable ids, in feed order, without duplicates.
 */
import { createHash } from 'node:crypto';
import { sanitizeLine, sanitizeText } from '../sanitize.js';
import type { Article } from '../types.js';
import { isNode, textOf, type XmlNode } from './nodes.js';
import { htmlToText, normalizeTitle, truncate } from './text.js';

/** An item as a normalizer read it: the Article's fields, with the id and title still raw. */
export interface Fields extends Omit<Article, 'id' | 'title'> {
  guid: unknown;
  about?: unknown;
  title: unknown;
}

/**
 * Turn built items into Articles in feed order. Ids: guid (Atom id), else rdf:about, else the absolute
 * link, else sha1(title, published, first 200 chars of html). Duplicate ids within one feed: the first
 * item wins and later ones are dropped (a feed that repeats an item must not show it twice, and the store
 * keys articles by feed + id). An item with nothing at all is kept, as rss-parser keeps it ("(untitled)";
 * several such items share one hash id, so only the first survives).
 */
export function collect(items: XmlNode[], fieldsOf: (item: XmlNode, index: number) => Fields): Article[] {
  const articles: Article[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!isNode(item)) continue;
    const f = fieldsOf(item, i);
    const html = sanitizeText(f.html);
    let title = normalizeTitle(f.title);
    const guid = sanitizeLine(textOf(f.guid)) || sanitizeLine(textOf(f.about));
    if (!title) title = truncate(sanitizeLine(htmlToText(html.slice(0, 8000), false)), 80) || '(untitled)';
    const id =
      guid ||
      f.link ||
      createHash('sha1')
        .update(`${title}\n${f.published ?? ''}\n${html.slice(0, 200)}`)
        .digest('hex');
    if (seen.has(id)) continue;
    seen.add(id);
    articles.push({
      id,
      title,
      link: f.link,
      author: f.author,
      published: f.published,
      html,
      commentsUrl: f.commentsUrl,
      commentFeedUrl: f.commentFeedUrl,
      commentCount: f.commentCount,
      ...(f.origLink && f.origLink !== f.link ? { origLink: f.origLink } : {}),
      ...(f.enclosures?.length ? { enclosures: f.enclosures } : {}),
    });
  }
  return articles;
}

/** The feed's title, else its host name: a feed list never shows an empty name. */
export function feedTitle(raw: unknown, feedUrl: string): string {
  const title = normalizeTitle(raw);
  if (title) return title;
  try {
    return sanitizeLine(new URL(feedUrl).hostname) || '(untitled feed)';
  } catch {
    return '(untitled feed)';
  }
}
