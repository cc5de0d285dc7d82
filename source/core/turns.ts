/**
 * Turns of the event loop, for work that must not stack up in one task.
 *
 * Timers or immediates queued in the same task all run in the same phase of one loop turn, back to
 * back: "a task of its own each" then adds up to one stall as long as all of them (the reader's `c`
 * queued a page fetch, three services' requests and the parse threads' start that way: 15-30 ms in
 * one piece, straight after the key's own frame). Here each piece waits for a turn that begins after
 * the previous piece ran, so input, answers and frames are handled in between.
 */

/**
 * Resolves in a later turn of the event loop than the one it was called in, in its timers phase: an
 * immediate queued from a timer would run in the same turn's check phase, with no timer due in between.
 */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Pieces of work run one per turn, in the order they were added. */
export class Turns {
  private readonly pieces: (() => void)[] = [];
  private scheduled = false;

  /** Run `piece` in a later turn, after the pieces added before it (each in a turn of its own). */
  add(piece: () => void): void {
    this.pieces.push(piece);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.pieces.length === 0) return;
    this.scheduled = true;
    // A timer rather than an immediate: the first piece runs after the frame of the key that queued it
    // (Ink writes that frame in the key's task or the next immediate), and each later one in a new turn.
    setTimeout(() => {
      this.scheduled = false;
      const piece = this.pieces.shift()!;
      try {
        piece();
      } finally {
        this.schedule();
      }
    }, 0);
  }
}
