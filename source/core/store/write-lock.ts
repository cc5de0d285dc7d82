/**
 * One writer at a time among the threads of one process, without SQLite's busy wait.
 *
 * Parse workers store what they parse through connections of their own (workers/save-job.ts). Two of them
 * writing at once meet SQLite's lock, whose busy handler sleeps 1, 2, 5, 10... ms between tries: the
 * waiting thread slept through most of a refresh (1,000 feeds: 6.4 s -> 7.2 s with less CPU). A
 * mutex in shared memory wakes the next writer the moment the last one commits. Other processes
 * still meet SQLite's lock and its busy timeout.
 */
const UNLOCKED = 0;

export type WriteLock = <T>(write: () => T) => T;

/**
 * A lock over `shared` (an Int32 at offset 0), which every thread that writes must be given. The cell
 * holds the holder's `owner` id (a worker's threadId, never 0), so that a thread that dies holding it
 * can be found out: releaseDeadOwner.
 */
export function sharedWriteLock(shared: SharedArrayBuffer, owner: number): WriteLock {
  if (!Number.isInteger(owner) || owner === UNLOCKED) throw new Error(`a write lock owner must be a nonzero integer, got ${owner}`);
  const cell = new Int32Array(shared, 0, 1);
  return (write) => {
    for (;;) {
      const holder = Atomics.compareExchange(cell, 0, UNLOCKED, owner);
      if (holder === UNLOCKED) break;
      Atomics.wait(cell, 0, holder, 1000);
    }
    try {
      return write();
    } finally {
      Atomics.store(cell, 0, UNLOCKED);
      Atomics.notify(cell, 0, 1);
    }
  };
}

/**
 * A worker that died inside a write (out of memory, say) never released the lock: free it if `owner`
 * still holds it, or every other writer would wait for ever. SQLite rolled its transaction back.
 */
export function releaseDeadOwner(shared: SharedArrayBuffer, owner: number): void {
  const cell = new Int32Array(shared, 0, 1);
  if (Atomics.compareExchange(cell, 0, owner, UNLOCKED) === owner) Atomics.notify(cell, 0, 1);
}

/** The memory a sharedWriteLock lives in. */
export function writeLockMemory(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

/** No lock: a thread that is the only writer of its process. */
export const unlocked: WriteLock = (write) => write();
