/**
 * Full text in the reader: which text of an article is shown (the feed's, or the article read from its
 * web page), fetching a page when asked (`toggle-full-text`), and fetching the pages of `fullText`
 * feeds' new articles in the background after each refresh, so that they read offline.
 *
 * A page in the cache is shown unless the article was switched to the feed's summary in this session:
 * an article read in full once opens in full, even offline. Nothing is fetched again unless asked
 * (`refetch`, from the refresh key on an article showing its full text).
 */
import { describePageFailure, PageQueue, pageLimits, wantedPages, type PageLoader } from '../core/page.js';
import type { ArticleRow, Store } from '../core/store.js';
import type { Settings } from '../core/settings.js';

/** What the article pane shows for an article with a web link. */
export interface ArticleText {
  html: string;
  /** Relative links resolve against this: the page's final URL, or the article's link. */
  baseUrl: string;
  /** One line for the article's header: which text this is, and what the key does. */
  label: string;
  full: boolean;
}

export interface FullTextDeps {
  store: Store;
  settings: Settings;
  load: PageLoader;
  /** The key shown in the labels (the first one bound to toggle-full-text). */
  key: string;
  /** The link of the article open in the reader, if any. */
  openLink: () => string | undefined;
  /** Something shown may have changed: redraw. */
  changed: () => void;
  status: (text: string) => void;
  now?: () => number;
}

type Row = Pick<ArticleRow, 'id' | 'link'> & { html: string };

const isWebLink = (link: string) => /^https?:\/\//i.test(link);

export class FullTextModel {
  /** Bumped whenever what some article shows may have changed: part of the rendered article's memo key. */
  version = 0;
  private readonly choice = new Map<number, 'full' | 'feed'>();
  private readonly loading = new Set<string>();
  private readonly queue: PageQueue;

  constructor(private readonly deps: FullTextDeps) {
    this.queue = new PageQueue((url) => this.deps.load(url).then((page) => page.content !== null), pageLimits(deps.settings.fetch), {
      done: (url) => {
        this.version++;
        if (url === this.deps.openLink()) this.deps.changed();
      },
      idle: ({ done, failed }) => {
        const ready = done - failed;
        this.deps.status(`Full text: ${ready} article${ready === 1 ? '' : 's'} saved for reading offline` + (failed ? `, ${failed} could not be read.` : '.'));
      },
    });
  }

  /** The text to show for `row`; undefined for an article without a web page (the feed's text, no label). */
  text(row: Row): ArticleText | undefined {
    if (!isWebLink(row.link)) return undefined;
    const key = this.deps.key;
    const feed = (label: string): ArticleText => ({ html: row.html, baseUrl: row.link, label, full: false });
    const choice = this.choice.get(row.id);
    if (choice === 'feed') return feed(`The feed's summary — ${key} shows the full text from the page`);
    if (this.loading.has(row.link)) return feed(`The feed's summary — fetching the full text from the page…`);
    const page = this.deps.store.page(row.link);
    if (page?.content) {
      let host = '';
      try {
        host = new URL(page.finalUrl).host;
      } catch {
        // The stored URL came from the fetcher; an unparsable one just goes unnamed.
      }
      return {
        html: page.content,
        baseUrl: page.finalUrl,
        label: `Full text from the page${host ? ` (${host})` : ''} — ${key} shows the feed's summary`,
        full: true,
      };
    }
    if (choice === 'full' && page?.failure) return feed(`The feed's summary: the page could not be read (${page.failure}) — ${key} tries again`);
    return feed(`The feed's summary — ${key} shows the full text from the page`);
  }

  /** The key: the other text. The full text is fetched (and stored) when there is none yet. */
  toggle(row: Row): void {
    if (!isWebLink(row.link)) return this.deps.status('This article has no web page to read in full.');
    const shown = this.text(row);
    this.version++;
    if (shown?.full) {
      this.choice.set(row.id, 'feed');
      return this.deps.changed();
    }
    this.choice.set(row.id, 'full');
    const page = this.deps.store.page(row.link);
    if (page?.content) return this.deps.changed();
    // A page tried before and not read (a failed fetch, or no article found) is asked for again.
    this.fetch(row, page === undefined ? 'first' : 'retry');
  }

  /** Ask for the page again (with its validators) when `row` shows its full text; false when it does not. */
  refetch(row: Row): boolean {
    if (!this.text(row)?.full) return false;
    this.fetch(row, 'refetch');
    return true;
  }

  private fetch(row: Row, why: 'first' | 'retry' | 'refetch'): void {
    if (this.loading.has(row.link)) return;
    this.loading.add(row.link);
    this.deps.changed();
    const refetch = why === 'refetch';
    this.deps
      .load(row.link, { refetch: why !== 'first', first: true })
      .then(
        (page) => {
          if (page.content === null) this.deps.status(`Full text: the page could not be read (${page.failure ?? 'no article'}); showing the feed's summary.`);
          else if (refetch) this.deps.status('Full text fetched again.');
        },
        (error) => {
          const why = describePageFailure(error);
          this.deps.status(refetch ? `Full text not fetched again (${why}); showing the stored copy.` : `Full text: ${why}; showing the feed's summary.`);
        },
      )
      .finally(() => {
        this.loading.delete(row.link);
        this.version++;
        this.deps.changed();
      });
  }

  /** After a refresh of `feedUrls`: queue the pages of their `fullText` feeds' new articles. */
  refreshed(feedUrls: string[]): void {
    let urls: string[];
    try {
      urls = wantedPages(this.deps.store, this.deps.settings.feeds, feedUrls, (this.deps.now ?? Date.now)());
    } catch {
      return; // A busy cache: the next refresh asks again.
    }
    this.queue.add(urls);
  }

  dispose(): void {
    this.queue.dispose();
  }
}
