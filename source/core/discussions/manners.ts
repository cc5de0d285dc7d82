/**
 * Manners towards the discussion services: every request Broadsheet sends to Hacker News, Reddit or
 * Lobsters (lookups, threads, more replies) goes through one Manners, which
 * - keeps at most `inFlight` requests open per service;
 * - spaces requests (Lobsters: one a second) and keeps to the service's published limits over longer
 *   windows (Lobsters allows 30 a minute, 100 in ten minutes and 400 an hour per address; Reddit about
 *   10 a minute without OAuth). With a ledger (the cache), the windows count the requests of every
 *   Broadsheet process sharing that cache: a cron job and the reader together, not each on its own;
 * - after a 429 carrying `Retry-After` or `RateLimit-Reset`, pauses that service until then, again
 *   through the ledger for other processes.
 * A request that would have to wait longer than `maxWaitMs` fails at once with RateLimitedError, so a
 * paused service costs the reader one line in the pane, never a hung pane.
 */
import { FetchError } from '../http.js';
import { VERSION } from '../version.js';

export interface Window {
  limit: number;
  ms: number;
}

export interface Policy {
  inFlight: number;
  /** Least time between the starts of two requests. */
  spacingMs: number;
  windows: readonly Window[];
}

export const POLICIES: Record<string, Policy> = {
  hackernews: { inFlight: 2, spacingMs: 0, windows: [] },
  reddit: { inFlight: 2, spacingMs: 0, windows: [{ limit: 10, ms: 60_000 }] },
  lobsters: {
    inFlight: 2,
    spacingMs: 1000,
    windows: [
      { limit: 30, ms: 60_000 },
      { limit: 100, ms: 600_000 },
      { limit: 400, ms: 3_600_000 },
    ],
  },
};

/** Reddit's API rules ask for `<platform>:<app id>:<version> (by /u/<name>)`, never a browser's. */
export const REDDIT_USER_AGENT = `terminal:broadsheet:${VERSION} (by /u/broadsheet_reader)`;

export function userAgentFor(service: string): string | undefined {
  return service === 'reddit' ? REDDIT_USER_AGENT : undefined;
}

/** Request times and pauses shared by the processes that use one cache (store.ts implements it). */
export interface Ledger {
  /** Start times (ms) of the service's requests since `since`, oldest first. */
  requestsSince(service: string, since: number): number[];
  recordRequest(service: string, at: number): void;
  pausedUntil(service: string): number | null;
  pause(service: string, until: number): void;
}

export class RateLimitedError extends Error {
  constructor(
    readonly service: string,
    readonly until: number,
    why: string,
  ) {
    super(why);
    this.name = 'RateLimitedError';
  }
}

export interface MannersOptions {
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  ledger?: Ledger;
  policies?: Record<string, Policy>;
  /** A request that would wait longer fails with RateLimitedError. Default 15 s. */
  maxWaitMs?: number;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The FetchError under a DiscussionError (its cause), if any. */
function fetchErrorOf(error: unknown): FetchError | undefined {
  for (let e = error, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) if (e instanceof FetchError) return e;
  return undefined;
}

const clock = (t: number) => new Date(t).toTimeString().slice(0, 5);

export class Manners {
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly policies: Record<string, Policy>;
  private readonly maxWaitMs: number;
  private readonly ledger: Ledger | undefined;
  private readonly active = new Map<string, number>();
  private readonly queues = new Map<string, Array<() => void>>();
  private readonly lastStart = new Map<string, number>();
  private readonly local = new Map<string, number[]>();
  private readonly paused = new Map<string, number>();

  constructor(options: MannersOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
    this.policies = options.policies ?? POLICIES;
    this.maxWaitMs = options.maxWaitMs ?? 15_000;
    this.ledger = options.ledger;
  }

  private policy(service: string): Policy {
    return this.policies[service] ?? { inFlight: 2, spacingMs: 0, windows: [] };
  }

  /** Until when the service is paused by a 429, or null. */
  pausedUntil(service: string): number | null {
    let until = this.paused.get(service) ?? null;
    try {
      const shared = this.ledger?.pausedUntil(service) ?? null;
      if (shared !== null && (until === null || shared > until)) until = shared;
    } catch {
      // A busy cache must not stop the request; this process's own pause still holds.
    }
    return until !== null && until > this.now() ? until : null;
  }

  private history(service: string, since: number): number[] {
    if (this.ledger) {
      try {
        return this.ledger.requestsSince(service, since);
      } catch {
        // Fall back to this process's own count.
      }
    }
    const list = (this.local.get(service) ?? []).filter((t) => t >= since);
    this.local.set(service, list);
    return list;
  }

  /** When the next request may start (ms), and why it may not start now. */
  private nextSlot(service: string): { at: number; why: string } {
    const now = this.now();
    const policy = this.policy(service);
    let at = now;
    let why = '';
    const pause = this.pausedUntil(service);
    if (pause !== null) {
      at = pause;
      why = `rate limited until ${clock(pause)}`;
    }
    const last = this.lastStart.get(service);
    if (last !== undefined && last + policy.spacingMs > at) at = last + policy.spacingMs;
    const longest = Math.max(0, ...policy.windows.map((w) => w.ms));
    if (longest > 0) {
      const times = this.history(service, now - longest);
      for (const w of policy.windows) {
        const inWindow = times.filter((t) => t > now - w.ms);
        if (inWindow.length >= w.limit) {
          const free = inWindow[inWindow.length - w.limit]! + w.ms;
          if (free > at) {
            at = free;
            why = `${w.limit} requests in ${w.ms >= 3_600_000 ? 'an hour' : `${w.ms / 60_000} min`} reached; next at ${clock(free)}`;
          }
        }
      }
    }
    return { at, why };
  }

  private async acquire(service: string, signal?: AbortSignal): Promise<void> {
    const limit = this.policy(service).inFlight;
    if ((this.active.get(service) ?? 0) < limit) {
      this.active.set(service, (this.active.get(service) ?? 0) + 1);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const queue = this.queues.get(service) ?? [];
      this.queues.set(service, queue);
      const entry = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        queue.splice(queue.indexOf(entry), 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(entry);
    });
  }

  private release(service: string): void {
    const next = this.queues.get(service)?.shift();
    // The slot passes straight to the next in line.
    if (next) next();
    else this.active.set(service, Math.max(0, (this.active.get(service) ?? 1) - 1));
  }

  /** Run one request to `service` with manners; a 429 pauses the service. */
  async run<T>(service: string, request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(service, signal);
    try {
      for (;;) {
        const { at, why } = this.nextSlot(service);
        const wait = at - this.now();
        if (wait <= 0) break;
        if (wait > this.maxWaitMs) throw new RateLimitedError(service, at, why || `rate limited until ${clock(at)}`);
        await this.sleep(wait, signal);
      }
      const start = this.now();
      this.lastStart.set(service, start);
      if (this.policy(service).windows.length > 0) {
        if (this.ledger) {
          try {
            this.ledger.recordRequest(service, start);
          } catch {
            this.local.set(service, [...(this.local.get(service) ?? []), start]);
          }
        } else this.local.set(service, [...(this.local.get(service) ?? []), start]);
      }
      try {
        return await request();
      } catch (error) {
        const fetchError = fetchErrorOf(error);
        if (fetchError?.status === 429) this.pauseFor(service, fetchError.retryAfterSeconds ?? 60);
        throw error;
      }
    } finally {
      this.release(service);
    }
  }

  private pauseFor(service: string, seconds: number): void {
    const until = this.now() + seconds * 1000;
    this.paused.set(service, Math.max(until, this.paused.get(service) ?? 0));
    try {
      this.ledger?.pause(service, until);
    } catch {
      // This process keeps the pause in memory anyway.
    }
  }
}
