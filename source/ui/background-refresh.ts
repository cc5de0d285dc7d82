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

export type RunRefresh = (urls: string[], onFeed: (done: number, total: number, changed: boolean) => void) => Promise<string>;

const PROGRESS_EVERY_MS = 250;
const DATA_EVERY_MS = 1000;

export class BackgroundRefresh {
  status: RefreshStatus | null = null;
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

  async start(urls: string[], label: string): Promise<void> {
    this.status = { done: 0, total: urls.length };
    this.on.progress();
    let message: string;
    try {
      message = (await this.run(urls, (done, total, changed) => this.progress(done, total, changed))) || `Refreshed ${label}.`;
    } catch (error) {
      message = `Refresh failed: ${(error as Error).message}`;
    } finally {
      this.stopTimer();
      this.status = null;
    }
    this.on.dataChanged();
    this.on.done(message);
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
