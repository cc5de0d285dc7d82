/**
 * Pages fetched in the background (a `fullText` feed's new articles after a refresh): the feeds' own
 * limits, `fetch.concurrency` in all and `fetch.perHost` per host, so the pages of one site are
 * fetched a few at a time however many articles it published. Failures are the loader's to record;
 * the queue only counts them (a load that rejects, or resolves to false: a page that could not be read).
 */
export interface QueueLimits {
  concurrency: number;
  perHost: number;
}

export interface QueueSummary {
  done: number;
  failed: number;
}

const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
};

export class PageQueue {
  private readonly byHost = new Map<string, string[]>();
  private readonly known = new Set<string>();
  private readonly perHost = new Map<string, number>();
  private active = 0;
  private summary: QueueSummary = { done: 0, failed: 0 };
  private stopped = false;

  constructor(
    private readonly load: (url: string) => Promise<unknown>,
    private readonly limits: QueueLimits,
    private readonly on: { done?: (url: string, ok: boolean) => void; idle?: (summary: QueueSummary) => void } = {},
  ) {}

  /** Pages waiting or in flight. */
  get pending(): number {
    return this.known.size;
  }

  /** Queue `urls` (those already queued or in flight are skipped); returns how many were added. */
  add(urls: string[]): number {
    let added = 0;
    for (const url of urls) {
      if (this.stopped || this.known.has(url)) continue;
      this.known.add(url);
      const host = hostOf(url);
      const list = this.byHost.get(host);
      if (list) list.push(url);
      else this.byHost.set(host, [url]);
      added++;
    }
    if (added > 0) this.pump();
    return added;
  }

  /** Forget what is waiting; pages in flight finish, unreported. */
  dispose(): void {
    this.stopped = true;
    this.byHost.clear();
  }

  private pump(): void {
    for (const [host, list] of this.byHost) {
      if (this.active >= this.limits.concurrency) break;
      while (list.length > 0 && this.active < this.limits.concurrency && (this.perHost.get(host) ?? 0) < this.limits.perHost) {
        this.start(host, list.shift()!);
      }
      if (list.length === 0) this.byHost.delete(host);
    }
    if (this.active === 0 && this.byHost.size === 0 && !this.stopped && this.summary.done > 0) {
      const summary = this.summary;
      this.summary = { done: 0, failed: 0 };
      this.on.idle?.(summary);
    }
  }

  private start(host: string, url: string): void {
    this.active++;
    this.perHost.set(host, (this.perHost.get(host) ?? 0) + 1);
    const finish = (ok: boolean) => {
      this.active--;
      this.perHost.set(host, this.perHost.get(host)! - 1);
      this.known.delete(url);
      if (this.stopped) return;
      this.summary.done++;
      if (!ok) this.summary.failed++;
      this.on.done?.(url, ok);
      this.pump();
    };
    this.load(url).then(
      (value) => finish(value !== false),
      () => finish(false),
    );
  }
}
