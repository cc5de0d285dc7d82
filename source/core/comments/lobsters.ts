/**
 * Lobsters: `GET {base}/s/{short_id}.json` returns the story with a flat `comments[]` in display order:
 * `short_id`, `parent_comment` (the parent's short_id, or null), `depth` (older servers: `indent_level`,
 * 1-based, and no `parent_comment`), `commenting_user` (a string; older: an object with `username`),
 * `comment` (HTML), `is_deleted` / `is_moderated`, `score`, `created_at`, `url` / `short_id_url`.
 * Total: `comment_count`. Rate limits are strict (4/s, 400/h): index.ts caches, nothing polls.
 */
import { safeUrl, sanitizeLine, sanitizeText } from '../sanitize.js';
import { DiscussionError } from './errors.js';
import { isObject, isoFrom, num, str } from './net.js';
import { buildThread } from './thread.js';
import type { Discussion, FlatComment } from './types.js';

export const LOBSTERS_WEB = 'https://lobste.rs';

export function lobstersApiUrl(base: string, id: string): string {
  return `${base.replace(/\/+$/, '')}/s/${encodeURIComponent(id)}.json`;
}

function username(v: unknown): string {
  if (isObject(v)) return str(v.username);
  return str(v);
}

export function parseLobsters(json: unknown, id: string, url: string): Omit<Discussion, 'fetchedAt'> {
  if (!isObject(json) || !('comments' in json || 'short_id' in json)) {
    throw new DiscussionError('parse', url, 'not a Lobsters story');
  }
  const list = Array.isArray(json.comments) ? json.comments : [];
  const opAuthor = sanitizeLine(username(json.submitter_user));
  const flat: FlatComment[] = [];
  // For servers without parent_comment: the open chain of ancestors by depth.
  const chain: Array<{ id: string; level: number }> = [];

  for (const c of list) {
    if (!isObject(c)) continue;
    const cid = str(c.short_id);
    if (cid === '') continue;
    const level = num(c.depth) ?? num(c.indent_level) ?? 0;
    while (chain.length > 0 && chain[chain.length - 1]!.level >= level) chain.pop();
    const parentId = 'parent_comment' in c ? str(c.parent_comment) || null : (chain[chain.length - 1]?.id ?? null);
    chain.push({ id: cid, level });

    const deleted = c.is_deleted === true || c.is_moderated === true;
    const author = sanitizeLine(username(c.commenting_user));
    flat.push({
      id: cid,
      parentId,
      author,
      published: isoFrom(c.created_at),
      html: deleted ? '' : sanitizeText(str(c.comment)),
      score: num(c.score),
      deleted,
      permalink: safeUrl(str(c.url)) || safeUrl(str(c.short_id_url)) || `${LOBSTERS_WEB}/c/${encodeURIComponent(cid)}`,
      ...(!deleted && author !== '' && author === opAuthor ? { isOp: true } : {}),
    });
  }

  const comments = buildThread(flat);
  const claimed = num(json.comment_count);
  return {
    source: 'lobsters',
    url: safeUrl(str(json.comments_url)) || safeUrl(str(json.short_id_url)) || `${LOBSTERS_WEB}/s/${encodeURIComponent(id)}`,
    title: sanitizeLine(str(json.title)) || `Lobsters story ${id}`,
    total: claimed !== null && claimed >= 0 ? Math.floor(claimed) : flat.filter((c) => !c.deleted).length,
    comments,
    ...(opAuthor ? { opAuthor } : {}),
  };
}
