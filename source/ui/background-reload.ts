/**
 * The reader's background reloads: one timer, set for the moment the next feed comes due
 * (core/reload-schedule.ts decides which and when), never a poll. When it fires, the due feeds go
 * through the reader's background refresh like `r` (so new rows are folded in without moving the
 * cursor or the open article); afterwards, and after any other refresh, it looks again. While a
 * refresh is running it waits for that one to finish rather than start a second.
 */
import { planReloads, reloadNote, type ReloadResult, type ReloadRules } from '../core/reload-schedule.js';
import type { FeedReloadState } from '../core/store.js';

export interface Timers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface ReloadLoopDeps {
  /** The subscribed feeds' last checks, Retry-After deadlines and own intervals (from the cache). */
  feeds: () => FeedReloadState[];
  /** The settings: the global `reloadMinutes` and the feeds' own. */
  rules: ReloadRules;
  /** Reload these feeds in the background; resolves with what they brought. */
  run: (urls: string[]) => Promise<ReloadResult>;
  /** A refresh (the user's or a reload) is running. */
  busy: () => boolean;
  /** The status line's reload note changed ("next reload 14:35 · last: 3 new in 2 feeds"). */
  note: (text: string | null) => void;
  now: () => number;
  timers?: Timers | undefined;
  clockTime?: (ms: number) => string;
}

/** setTimeout's longest delay (about 24.8 days): a later reload is looked at again then. */
const MAX_DELAY_MS = 2 ** 31 - 1;

const realTimers: Timers = {
  set: (run, ms) => setTimeout(run, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class ReloadLoop {
  private timer: unknown = null;
  private started = false;
  private running = false;
  private nextAt: number | null = null;
  private last: ReloadResult | null = null;
  private readonly attempted = new Map<string, number>();
  private readonly timers: Timers;
  /** Set when the reader did not refresh on start: nothing is due before one interval from then. */
  private startedAt: number | undefined;

  constructor(private deps: ReloadLoopDeps) {
    this.timers = deps.timers ?? realTimers;
  }

  /**
   * Begin: from now on the loop looks at the schedule after every refresh and when its timer fires.
   * `waitFirst` (no refresh on start): the first reloads come one interval from now, not at once.
   */
  start(options: { waitFirst?: boolean } = {}) {
    this.started = true;
    if (options.waitFirst) this.startedAt = this.deps.now();
    this.schedule();
  }

  /** Look again at what is due: run it now, or set the one timer for the next feed. */
  schedule() {
    if (!this.started || this.running || this.deps.busy()) return;
    this.clearTimer();
    const now = this.deps.now();
    const { feeds, rules } = this.deps;
    const plan = planReloads({ feeds: feeds(), rules, now, attempted: this.attempted, ...(this.startedAt === undefined ? {} : { startedAt: this.startedAt }) });
    if (plan.due.length > 0) {
      // Reloading now (the header shows its progress): the note keeps what the last one brought.
      this.deps.note(reloadNote(null, this.last, this.deps.clockTime));
      return void this.runDue(plan.due, now);
    }
    this.nextAt = plan.nextAt;
    this.deps.note(reloadNote(this.nextAt, this.last, this.deps.clockTime));
    if (plan.nextAt === null) return;
    this.timer = this.timers.set(
      () => {
        this.timer = null;
        this.schedule();
      },
      Math.min(MAX_DELAY_MS, Math.max(0, plan.nextAt - now)),
    );
  }

  /** A refresh of these feeds began (the user's, the start-up one, or a reload). */
  noteAttempt(urls: readonly string[], at: number) {
    for (const url of urls) this.attempted.set(url, at);
  }

  private async runDue(urls: string[], now: number) {
    this.running = true;
    this.noteAttempt(urls, now);
    try {
      this.last = await this.deps.run(urls);
    } catch {
      // The background refresh reports its own failures; a reload that threw brought nothing.
      this.last = { feeds: urls.length, added: 0, feedsWithNew: 0, failed: urls.length };
    }
    this.running = false;
    // A turn of the event loop first: reloads slower than their interval follow each other at once,
    // and a chain of them must never starve everything else.
    await new Promise((resolve) => setImmediate(resolve));
    this.schedule();
  }

  private clearTimer() {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }

  stop() {
    this.started = false;
    this.clearTimer();
  }
}
