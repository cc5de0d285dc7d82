/**
 * Marking articles read, unread, starred or unstarred: the one use case behind `broadsheet mark` and the
 * reader's m, s, A and u. Each mark commits at once (a killed process keeps every acknowledged mark).
 * The reader's undo is the last mark made through a MarkHistory, applied the other way round.
 */
import type { Scope } from './store.js';

export type MarkOp = 'read' | 'unread' | 'star' | 'unstar';

/** The part of the cache marks need. */
export interface MarkStore {
  setRead(ids: number[], read: boolean): number;
  setStarred(ids: number[], starred: boolean): number;
  markScopeRead(scope: Scope): number[];
}

const OPPOSITE: Record<MarkOp, MarkOp> = { read: 'unread', unread: 'read', star: 'unstar', unstar: 'star' };
const DONE: Record<MarkOp, string> = { read: 'marked read', unread: 'marked unread', star: 'starred', unstar: 'unstarred' };

/** Apply a mark to articles; returns how many changed. */
export function applyMark(store: MarkStore, ids: number[], op: MarkOp): number {
  return op === 'read' || op === 'unread' ? store.setRead(ids, op === 'read') : store.setStarred(ids, op === 'star');
}

/** "marked read", "starred": what a mark did, for messages. */
export const markDone = (op: MarkOp): string => DONE[op];

export class MarkHistory {
  private last: { ids: number[]; op: MarkOp; label: string } | null = null;

  constructor(private store: MarkStore) {}

  mark(ids: number[], op: MarkOp): number {
    const changed = applyMark(this.store, ids, op);
    if (changed) this.last = { ids, op, label: DONE[op] };
    return changed;
  }

  /** Everything unread in `scope` marked read; returns the ids that changed. */
  markAllRead(scope: Scope): number[] {
    const ids = this.store.markScopeRead(scope);
    this.last = { ids, op: 'read', label: `marked ${ids.length} read` };
    return ids;
  }

  /** Undo the last mark; returns what was undone ("marked read"), or null when there is nothing to undo. */
  undo(): string | null {
    const last = this.last;
    if (!last) return null;
    this.last = null;
    applyMark(this.store, last.ids, OPPOSITE[last.op]);
    return last.label;
  }
}
