/**
 * A refresh running behind the reader: progress for the header at most every 250 ms, and new rows
 * folded into the list at most once a second. A thousand feeds must not mean a thousand frames, nor a
 * thousand recounts of a 100,000-row list: those stalled the event loop for 60-125 ms at a time. The reader stays responsive throughout;
 * new rows are folded in by the controller without moving the cursor.
 */
export interface RefreshStatus {
  done: number;
  total: number;
}

/** One feed's result, for the tally of what a refresh brought (the background reloads report it). */
export interface FeedTally {
  added: number;
  failed: boolean;
}

export type RunRefresh = (urls: string[], onFeed: (done: number, total: number, changed: boolean, feed?: FeedTally) => void) => Promise<string>;

/** What one refresh brought: feeds asked, new articles, feeds with new articles, feeds that failed. */
export interface RefreshTally {
  feeds: number;
  added: number;
  feedsWithNew: number;
  failed: number;
}

const PROGRESS_EVERY_MS = 250;
const DATA_EVERY_MS = 1000;

export class BackgroundRefresh {
  status: RefreshStatus | null = null;
  /** The last report this refresh put on the status line. */
  lastMessage: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pendingData = false;
  private lastData = 0;

  constructor(
    private run: RunRefresh,
    private on: { progress: () => void; dataChanged: () => void; done: (message: string) => void },
  ) {}

  get running(): boolean {
    return this.status !== null;
  }

  /** Run a refresh; `quiet` (a background reload) leaves the status line alone and only returns the tally. */
  async start(urls: string[], label: string, options: { quiet?: boolean } = {}): Promise<RefreshTally> {
    this.status = { done: 0, total: urls.length };
    this.on.progress();
    const tally: RefreshTally = { feeds: urls.length, added: 0, feedsWithNew: 0, failed: 0 };
    const onFeed = (done: number, total: number, changed: boolean, feed?: FeedTally) => {
      if (feed) {
        tally.added += feed.added;
        if (feed.added > 0) tally.feedsWithNew++;
        if (feed.failed) tally.failed++;
      }
      this.progress(done, total, changed);
    };
    let message: string;
    try {
      message = (await this.run(urls, onFeed)) || `Refreshed ${label}.`;
    } catch (error) {
      message = `Refresh failed: ${(error as Error).message}`;
      tally.failed = urls.length;
    } finally {
      this.stopTimer();
      this.status = null;
    }
    this.on.dataChanged();
    if (!options.quiet) {
      this.lastMessage = message;
      this.on.done(message);
    }
    return tally;
  }

  private progress(done: number, total: number, changed: boolean) {
    this.status = { done, total };
    this.pendingData ||= changed;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = Date.now();
      if (this.pendingData && now - this.lastData >= DATA_EVERY_MS) {
        this.pendingData = false;
        this.lastData = now;
        this.on.dataChanged();
      } else this.on.progress();
    }, PROGRESS_EVERY_MS);
  }

  private stopTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pendingData = false;
  }

  dispose() {
    this.stopTimer();
  }
}
