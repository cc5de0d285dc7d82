/** Pure line builders for the list panes: what each visible row looks like, fitted to a width. */
import stringWidth from 'string-width';
import type { ArticleRow } from '../../core/store.js';
import type { SidebarItem } from '../reader-data.js';
import type { ListWindow } from '../state/list-window.js';
import { clip, cut, fit, relativeAge } from '../format.js';
import type { Paint } from '../theme.js';

/** One article row: unread marker, star, title, feed, age, comment count. */
export function articleLine(row: ArticleRow, width: number, paint: Paint, selected: boolean, now: number): string {
  const marker = row.read ? ' ' : '●';
  const star = row.starred ? '★' : ' ';
  const age = relativeAge(row.published ?? row.sortKey, now).padStart(6);
  // Its own comments and those of the threads a lookup found elsewhere.
  const count = (row.commentCount ?? 0) + (row.lookupCount ?? 0);
  const comments = count ? ` ${count}💬`.padStart(6) : '      ';
  // The feed name takes a column once the list is 70 wide (alone on the screen, or beside an article from
  // 167 columns); in a 120-column split the titles keep the room and the article pane names the feed.
  const feedWidth = width >= 70 ? Math.min(18, Math.floor(width / 5)) : 0;
  const fixed = 2 + 1 + 1 + (feedWidth ? feedWidth + 1 : 0) + stringWidth(age) + stringWidth(comments);
  const title = fit(row.title, Math.max(0, width - fixed));
  if (selected) {
    const plain = `${marker}${star} ${title} ${feedWidth ? fit(row.feed, feedWidth) + ' ' : ''}${age}${comments}`;
    return paint.selected(fit(plain, width));
  }
  const parts = [
    row.read ? marker : paint.unread(marker),
    paint.star(star),
    ' ',
    row.read ? paint.read(title) : paint.unread(title),
    ' ',
    feedWidth ? paint.feed(fit(row.feed, feedWidth)) + ' ' : '',
    paint.age(age),
    paint.comments(comments),
  ];
  return clip(parts.join(''), width);
}

export function listLines(rows: ArticleRow[], window: ListWindow, width: number, paint: Paint, focused: boolean, now: number): string[] {
  if (window.count === 0) return [fit(' No articles here. R refreshes, a adds a feed, ? shows the keys.', width)];
  return rows.map((row, i) => articleLine(row, width, paint, focused ? window.offset + i === window.cursor : false, now) + '');
}

/** The first sidebar item on screen: the sidebar keeps its cursor in the middle. */
export function sidebarOffset(cursor: number, count: number, height: number): number {
  return Math.max(0, Math.min(cursor - Math.floor(height / 2), count - height));
}

export function sidebarLines(items: SidebarItem[], cursor: number, height: number, width: number, paint: Paint, focused: boolean): string[] {
  const offset = sidebarOffset(cursor, items.length, height);
  return items.slice(offset, offset + height).map((item, i) => {
    const count = item.unread ? `${item.unread}${item.more ? '+' : ''}` : '';
    const flag = item.error ? '!' : item.broken ? '~' : ' ';
    const indent = item.kind === 'feed' ? '  ' : item.kind === 'tag' ? ' ' : '';
    const label = fit(`${flag}${indent}${item.label}`, Math.max(1, width - count.length - 1));
    const line = `${label}${count.padStart(count.length + 1)}`;
    if (offset + i === cursor && focused) return paint.selected(fit(line, width));
    return item.error ? paint.error(cut(line, width)) : item.unread ? paint.unread(cut(line, width)) : paint.read(cut(line, width));
  });
}
