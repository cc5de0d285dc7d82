/** RSS 2.0 (WordPress `…/slug/feed/`) and RSS 1.0 comment feeds: one page of entries, not yet linked. */
import { safeUrl, sanitizeLine } from '../../sanitize.js';
import { child, claimedTotal, isoDate, nextLink, textOf, type DomElement } from './dom.js';
import { aliasesOf } from './threading.js';
import type { CommentFeedPage, RawEntry } from './types.js';
import { descriptionHtml, splitReplyPrefix, wpNumber } from './wordpress.js';

export function readRss(channel: DomElement, items: DomElement[], base: string | undefined): CommentFeedPage {
  const entries: RawEntry[] = [];
  items.forEach((item, i) => {
    const guid = textOf(child(item, 'guid')).trim();
    const link = textOf(child(item, 'link')).trim();
    const num = wpNumber(guid, link);
    const id = num ?? (guid || link || `item-${i + 1}`);
    const encoded = child(item, 'encoded');
    const rawHtml = encoded ? textOf(encoded) : descriptionHtml(textOf(child(item, 'description')));
    const { parent, rest } = splitReplyPrefix(rawHtml);
    const author = textOf(child(item, 'creator')) || textOf(child(item, 'author')) || textOf(child(item, 'title'));
    entries.push({
      id,
      aliases: aliasesOf(id, guid, link),
      author: sanitizeLine(author),
      published: isoDate(textOf(child(item, 'pubdate')) || textOf(child(item, 'date'))),
      html: rawHtml,
      strippedHtml: rest,
      permalink: safeUrl(link, base) || safeUrl(guid, base),
      anchorParent: parent,
      thr: null,
    });
  });
  return {
    format: 'rss',
    title: sanitizeLine(textOf(child(channel, 'title'))),
    link: safeUrl(textOf(child(channel, 'link')).trim(), base),
    next: nextLink(channel, base),
    claimedTotal: claimedTotal(channel),
    entries,
  };
}
