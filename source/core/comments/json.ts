/**
 * The `comments --json` output (README, Design: "Comment formats"), built and written without recursion, because
 * threads can be thousands of levels deep and V8's JSON.stringify recurses.
 */
import { htmlToPlainText } from '../html.js';
import type { Comment, Discussion, DiscussionSource } from './types.js';

export interface CommentJson {
  id: string;
  author: string;
  published: string | null;
  text: string;
  score: number | null;
  deleted: boolean;
  children: CommentJson[];
  /** A Reddit 'more' stub: replies not sent. */
  more?: number;
  /** Its parent is not in the window. */
  orphan?: boolean;
  /** A content warning the text is behind. */
  warning?: string;
  /** What a deleted comment that keeps its place stands for ("blocked post"). */
  placeholder?: string;
}

export interface DiscussionJson {
  source: DiscussionSource;
  title: string;
  url: string;
  total: number;
  /** What the source did not send. */
  notice?: string;
  comments: CommentJson[];
}

function commentJson(c: Comment): CommentJson {
  return {
    id: c.id,
    author: c.author,
    published: c.published,
    text: c.more !== undefined ? '' : htmlToPlainText(c.html),
    score: c.score,
    deleted: c.deleted,
    children: [],
    ...(c.more !== undefined ? { more: c.more } : {}),
    ...(c.orphan ? { orphan: true } : {}),
    ...(c.warning ? { warning: c.warning } : {}),
    ...(c.placeholder ? { placeholder: c.placeholder } : {}),
  };
}

/**
 * The `comments --json` shape: {"source","total","comments":[{"id","author","published","text",
 * "score","deleted","children":[…]}]} (plus title, url, and `more`/`orphan` where they apply). Built
 * iteratively. Note: JSON.stringify of the result recurses and fails on threads thousands of levels deep;
 * `commentsJsonText` writes the same JSON without recursion.
 */
export function toCommentsJson(d: Discussion): DiscussionJson {
  const out: DiscussionJson = { source: d.source, title: d.title, url: d.url, total: d.total, ...(d.notice ? { notice: d.notice } : {}), comments: [] };
  const stack: Array<{ c: Comment; into: CommentJson[] }> = [];
  for (let i = d.comments.length - 1; i >= 0; i--) stack.push({ c: d.comments[i]!, into: out.comments });
  while (stack.length > 0) {
    const { c, into } = stack.pop()!;
    const j = commentJson(c);
    into.push(j);
    for (let i = c.children.length - 1; i >= 0; i--) stack.push({ c: c.children[i]!, into: j.children });
  }
  return out;
}

/** `toCommentsJson` as JSON text (compact), written iteratively so any depth works. */
export function commentsJsonText(d: Discussion): string {
  const head = JSON.stringify({ source: d.source, title: d.title, url: d.url, total: d.total, ...(d.notice ? { notice: d.notice } : {}) });
  const parts: string[] = [head.slice(0, -1), ',"comments":['];
  // Stack of pending work: a comment to open, or a closing token.
  const stack: Array<{ c: Comment; first: boolean } | string> = [];
  for (let i = d.comments.length - 1; i >= 0; i--) stack.push({ c: d.comments[i]!, first: i === 0 });
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      parts.push(item);
      continue;
    }
    const { children: _children, ...fields } = commentJson(item.c);
    if (!item.first) parts.push(',');
    parts.push(JSON.stringify(fields).slice(0, -1), ',"children":[');
    stack.push(']}');
    for (let i = item.c.children.length - 1; i >= 0; i--) stack.push({ c: item.c.children[i]!, first: i === 0 });
  }
  parts.push(']}');
  return parts.join('');
}
