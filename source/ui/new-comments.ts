/**
 * What is new since the last visit. The reader records when it last showed each discussion (by its
 * cache key); the first time this session shows one, the time recorded before is what its comments
 * are judged against until the reader quits, so a refresh meanwhile keeps marking the same ones.
 */
import type { Comment } from '../core/comments.js';

export interface VisitStore {
  discussionSeenAt(key: string): number | null;
  markDiscussionSeen(key: string, at: number): void;
}

export class NewSince {
  /** By key: the visit before this session's first (null: none). */
  private since = new Map<string, number | null>();

  constructor(
    private store: VisitStore,
    private now: () => number,
  ) {}

  /** The discussion under `key` is being shown. */
  shown(key: string): void {
    if (this.since.has(key)) return;
    let before: number | null = null;
    try {
      before = this.store.discussionSeenAt(key);
      this.store.markDiscussionSeen(key, this.now());
    } catch {
      // A busy cache costs the "new" marks of this visit, nothing else.
    }
    this.since.set(key, before);
  }

  /** Published after the last visit (stubs, deleted and undated comments never are). */
  isNew(key: string | undefined, c: Pick<Comment, 'published' | 'more' | 'deleted'>): boolean {
    const since = key === undefined ? undefined : this.since.get(key);
    if (since === null || since === undefined || c.more !== undefined || c.deleted || !c.published) return false;
    return Date.parse(c.published) > since;
  }
}
