import { describe, expect, it } from 'vitest';
import type { Comment } from '../../source/core/comments/types.js';
import {
  collapseAll,
  createTree,
  currentRow,
  down,
  expandAll,
  moveTo,
  restore,
  scrollLines,
  settle,
  target,
  toggle,
} from '../../source/ui/state/comment-tree.js';

const c = (id: string, children: Comment[] = []): Comment => ({
  id,
  parentId: null,
  author: id,
  published: null,
  html: `<p>${id}</p>`,
  score: null,
  deleted: false,
  permalink: '',
  orphan: false,
  children,
});

// a            (0)
//   a1         (1)
//     a1x      (2)
//   a2         (3)
// b            (4)
//   b1         (5)
// c            (6)
const roots = () => [c('a', [c('a1', [c('a1x')]), c('a2')]), c('b', [c('b1')]), c('c')];
const ids = (t: ReturnType<typeof createTree>) => t.rows.map((r) => r.comment.id);
const at = (t: ReturnType<typeof createTree>, i: number) => ({ ...t, cursor: i });
const one = () => 1;

describe('comment tree navigation', () => {
  it('lists comments parents first with depths', () => {
    const t = createTree(roots());
    expect(ids(t)).toEqual(['a', 'a1', 'a1x', 'a2', 'b', 'b1', 'c']);
    expect(t.rows.map((r) => r.depth)).toEqual([0, 1, 2, 1, 0, 1, 0]);
  });

  it('moves to parent, siblings and threads', () => {
    const t = createTree(roots());
    expect(target(at(t, 2), 'parent')).toBe(1);
    expect(target(at(t, 0), 'parent')).toBe(0);
    expect(target(at(t, 1), 'next-sibling')).toBe(3);
    expect(target(at(t, 3), 'next-sibling')).toBe(3);
    expect(target(at(t, 3), 'prev-sibling')).toBe(1);
    expect(target(at(t, 0), 'next-sibling')).toBe(4);
    expect(target(at(t, 2), 'next-thread')).toBe(4);
    expect(target(at(t, 5), 'prev-thread')).toBe(4);
    expect(target(at(t, 4), 'prev-thread')).toBe(0);
    expect(target(at(t, 6), 'next-thread')).toBe(6);
  });

  it('collapses a subtree, keeping the header with the hidden count, and expands it', () => {
    let t = toggle(at(createTree(roots()), 0));
    expect(ids(t)).toEqual(['a', 'b', 'b1', 'c']);
    expect(currentRow(t)).toMatchObject({ hidden: 3 });
    t = toggle(t);
    expect(ids(t)).toEqual(['a', 'a1', 'a1x', 'a2', 'b', 'b1', 'c']);
    // A comment without replies does nothing.
    expect(toggle(at(t, 6))).toEqual(at(t, 6));
  });

  it('collapses all to the top level and expands all, keeping the cursor on its comment', () => {
    let t = collapseAll(at(createTree(roots()), 2));
    expect(ids(t)).toEqual(['a', 'b', 'c']);
    expect(currentRow(t)!.comment.id).toBe('a');
    t = expandAll(at(t, 1));
    expect(currentRow(t)!.comment.id).toBe('b');
    expect(t.rows).toHaveLength(7);
  });

  it('remembers collapse state across a reload', () => {
    const t = restore(roots(), new Set(['b']), 'b');
    expect(ids(t)).toEqual(['a', 'a1', 'a1x', 'a2', 'b', 'c']);
    expect(t.cursor).toBe(4);
  });

  it('scrolls so the cursor comment is visible, with comments of different heights', () => {
    const heights = [3, 3, 3, 3, 3, 3, 3];
    const h = (i: number) => heights[i]!;
    let t = createTree(roots());
    t = moveTo(t, 3, 7, h);
    // Rows 2 and 3 fill six lines of seven.
    expect(t.top).toBe(2);
    t = moveTo(t, 0, 7, h);
    expect(t.top).toBe(0);
  });

  it('reads through a comment taller than the pane before moving on', () => {
    const h = (i: number) => (i === 0 ? 25 : 2);
    let t = createTree(roots());
    t = down(t, 10, h);
    expect(t.cursor).toBe(0);
    expect(t.topLine).toBe(8);
    t = down(t, 10, h);
    expect(t.cursor).toBe(0);
    expect(t.topLine).toBe(15);
    t = down(t, 10, h);
    expect(t.cursor).toBe(1);
  });

  it('scrolls by lines both ways without leaving the list', () => {
    let t = createTree(roots());
    t = scrollLines(t, 3, one);
    expect(t.top).toBe(3);
    t = scrollLines(t, -10, one);
    expect([t.top, t.topLine]).toEqual([0, 0]);
    t = scrollLines(t, 100, one);
    expect(t.top).toBe(6);
  });

  it('handles a deep chain of 10,000 replies without recursion', () => {
    let node = c('leaf');
    for (let i = 0; i < 10_000; i++) node = c(`n${i}`, [node]);
    const t = createTree([node]);
    expect(t.rows).toHaveLength(10_001);
    expect(toggle(t).rows).toHaveLength(1);
    expect(target(at(t, 10_000), 'prev-thread')).toBe(0);
  });
});

describe('re-anchoring after the rows change (issue 13)', () => {
  // Six threads of three comments each, every comment three lines tall, in a 20-line pane.
  const threads = () => Array.from({ length: 6 }, (_, i) => c(`t${i}`, [c(`t${i}r1`), c(`t${i}r2`)]));
  const three = () => 3;
  const linesFrom = (t: ReturnType<typeof createTree>) => {
    let n = -t.topLine;
    for (let i = t.top; i < t.rows.length; i++) n += 3;
    return n;
  };

  it('C on the last thread shows every thread and fills the pane', () => {
    let t = createTree(threads());
    t = moveTo(t, t.rows.length - 1, 20, three); // the last reply of the last thread
    expect(t.top).toBeGreaterThan(6);
    const folded = settle(collapseAll(t), 20, three);
    expect(ids(folded)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
    expect(currentRow(folded)!.comment.id).toBe('t5');
    expect(folded.top).toBe(0); // 18 lines fit in 20: nothing is scrolled off
  });

  it('E and Space keep the cursor in view and the pane full', () => {
    let t = settle(collapseAll(moveTo(createTree(threads()), 15, 20, three)), 20, three);
    t = settle(expandAll(t), 20, three);
    expect(currentRow(t)!.comment.id).toBe('t5');
    const start = (t.cursor - t.top) * 3 - t.topLine;
    expect(start).toBeGreaterThanOrEqual(0);
    expect(start).toBeLessThan(20);
    expect(linesFrom(t)).toBeGreaterThanOrEqual(20);
    const toggled = settle(toggle(moveTo(t, t.rows.length - 3, 20, three)), 20, three);
    expect(currentRow(toggled)!.comment.id).toBe('t5');
    expect(linesFrom(toggled)).toBeGreaterThanOrEqual(20);
  });

  it('a taller pane after a resize scrolls back up to fill it, a shorter one keeps the cursor', () => {
    let t = moveTo(createTree(threads()), 17, 10, three);
    expect(t.top).toBe(15);
    t = settle(t, 40, three);
    expect(linesFrom(t)).toBeGreaterThanOrEqual(40);
    expect(t.top * 3 + t.topLine).toBe(54 - 40);
    const small = settle({ ...t, cursor: 2 }, 6, three);
    expect(small.top).toBeLessThanOrEqual(2);
    expect((2 - small.top) * 3 - small.topLine).toBeLessThan(6);
  });
});
