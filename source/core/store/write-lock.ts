/**
 * One writer at a time among the threads of one process, without SQLite's busy wait.
 *
 * Parse workers store what they parse through connections of their own (save-job.ts). Two of them
 * writing at once meet SQLite's lock, whose busy handler sleeps 1, 2, 5, 10... ms between tries: the
 * waiting thread slept through most of a refresh (1,000 feeds: 6.4 s -> 7.2 s with less CPU). A
 * mutex in shared memory wakes the next writer the moment the last one commits. Other processes
 * still meet SQLite's lock and its busy timeout.
 */
const UNLOCKED = 0;
const LOCKED = 1;

export type WriteLock = <T>(write: () => T) => T;

/** A lock over `shared` (an Int32 at offset 0), which every thread that writes must be given. */
export function sharedWriteLock(shared: SharedArrayBuffer): WriteLock {
  const cell = new Int32Array(shared, 0, 1);
  return (write) => {
    while (Atomics.compareExchange(cell, 0, UNLOCKED, LOCKED) !== UNLOCKED) Atomics.wait(cell, 0, LOCKED, 1000);
    try {
      return write();
    } finally {
      Atomics.store(cell, 0, UNLOCKED);
      Atomics.notify(cell, 0, 1);
    }
  };
}

/** The memory a sharedWriteLock lives in. */
export function writeLockMemory(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

/** No lock: a thread that is the only writer of its process. */
export const unlocked: WriteLock = (write) => write();
