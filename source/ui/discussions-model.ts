/**
 * Where the open article is discussed: its own discussions and, from the lookup cache at once, the
 * threads found on Hacker News, Reddit and Lobsters; when the cache's answers are due, the services
 * are asked in the background after the article's first frame, never for articles merely listed or
 * refreshed. Each service's answer updates the pane as it comes; when all have answered, the list's
 * comment count for the article includes the threads found.
 */
import type { ArticleRow, Store } from '../core/store.js';
import type { Settings } from '../core/settings.js';
import { resolveTarget } from '../core/comments.js';
import {
  cachedLookup,
  foundCount,
  listDiscussions,
  lookupDiscussions,
  lookupUrls,
  ownDiscussions,
  type ListedDiscussion,
  type LookupServiceName,
  type LookupUrl,
  type Manners,
  type ServiceOutcome,
  pageAddress,
} from '../core/discussions.js';
import { Turns } from '../core/turns.js';

/** An article as the reader opens it: its content too, which may name its thread. */
export type OpenedArticle = ArticleRow & { feedUrl: string; html?: string };

export interface DiscussionsDeps {
  store: Store;
  settings: Settings;
  manners?: Manners;
  /** Start the threads that parse discussions: a lookup found one on HN, Reddit or Lobsters. */
  warmParsers?: () => void;
  /**
   * Fetches and caches an article's web page (the full-text loader): the page may name the article's
   * thread (a "Comments" link to Mastodon, a Discourse embed) when its feed does not. Absent: only a page
   * already in the cache is read.
   */
  loadPage?: (url: string) => Promise<unknown>;
  now?: () => number;
}

export interface Listing {
  articleId: number;
  entries: ListedDiscussion[];
  services: ServiceOutcome[];
  asking: LookupServiceName[];
  /** Some service may be asked about this article (settings, the feed's opt-out, its URL). */
  lookupOn: boolean;
}

/** Listings kept for the articles opened this session. */
const KEEP = 200;

export class DiscussionsModel {
  private listings = new Map<number, Listing>();
  private abort: AbortController | undefined;
  /** What an opened article starts after its frame (the page, the lookup, the parse threads), a turn each. */
  private readonly turns = new Turns();

  constructor(
    private deps: DiscussionsDeps,
    private onChange: (articleId: number) => void,
    private onCountLearned: () => void = () => {},
  ) {}

  private pagesAsked = new Set<number>();
  /** The article opened last, whether its lookup is in flight, and whether to look again after it. */
  private openedId: number | undefined;
  private lookingUp = false;
  private askAgain = false;
  /** Cached pages read this session: their HTML and the address each gives itself. */
  private pages = new Map<string, { html: string; address: string | undefined }>();

  private now() {
    return (this.deps.now ?? Date.now)();
  }

  private services(article: OpenedArticle): LookupServiceName[] {
    const feed = this.deps.settings.feeds.find((f) => f.url === article.feedUrl);
    return feed?.lookup === false ? [] : [...this.deps.settings.discussions.lookup];
  }

  /** The URLs asked about: the link, the feed's original link, and the page's own address once read. */
  private urls(article: OpenedArticle): LookupUrl[] {
    const address = this.page(article.link)?.address;
    return lookupUrls({ link: article.link, origLink: article.origLink, ...(address ? { pageAddress: address } : {}) });
  }

  private lookupOptions(article: OpenedArticle, services: LookupServiceName[]) {
    return { services, settings: this.deps.settings, store: this.deps.store, now: () => this.now(), published: article.published };
  }

  /** The article with its page, when the cache holds it: either may name its thread. */
  withPage(article: OpenedArticle): OpenedArticle {
    const html = this.page(article.link)?.html;
    return html ? { ...article, html: `${article.html ?? ''}\n${html}` } : article;
  }

  /**
   * A cached page's HTML (gunzipped from the cache) and its own address, remembered once found: the
   * pane asks for them on every load of the article's discussions. A page not there yet is asked for
   * again, since full text may fetch it meanwhile.
   */
  private page(url: string): { html: string; address: string | undefined } | undefined {
    if (!/^https?:\/\//i.test(url)) return undefined;
    const known = this.pages.get(url);
    if (known !== undefined) return known;
    const source = this.deps.store.pageSource(url);
    if (source === undefined) return undefined;
    if (this.pages.size >= KEEP) this.pages.delete(this.pages.keys().next().value!);
    const page = { html: source.html, address: pageAddress(source) };
    this.pages.set(url, page);
    return page;
  }

  /**
   * The pane shows an article whose feed names no thread: its page is fetched once (like the full
   * text), and the list is built again if the page names one.
   */
  readPage(article: OpenedArticle): void {
    const load = this.deps.loadPage;
    if (!load || this.pagesAsked.has(article.id) || !/^https?:\/\//i.test(article.link)) return;
    if (this.page(article.link) !== undefined) return;
    if (ownDiscussions(article, this.deps.store, { sources: this.deps.settings.sources }).length > 0) return;
    this.pagesAsked.add(article.id);
    const asked = new Set(this.urls(article).map((u) => u.identity));
    // Asked in a turn of its own, after the frame of the key that opened the pane: a request's first
    // steps are synchronous (the first https one of a process builds its TLS context, ~20 ms).
    this.turns.add(() => {
      load(article.link).then(
        () => {
          if (ownDiscussions(this.withPage(article), this.deps.store, { sources: this.deps.settings.sources }).length > 0) {
            this.listings.delete(article.id);
            this.onChange(article.id);
          }
          // The page's own address may be one no service was asked about (the feed's link carried the
          // site's own tracking): asked once the lookup in flight, if any, is done.
          if (this.openedId !== article.id || this.urls(article).every((u) => asked.has(u.identity))) return;
          if (this.lookingUp) this.askAgain = true;
          else this.articleOpened(article);
        },
        // A page that cannot be read names no thread; the full-text line says why if the reader asks.
        () => {},
      );
    });
  }

  private build(article: OpenedArticle, services: ServiceOutcome[], asking: LookupServiceName[]): Listing {
    const entries = listDiscussions(
      ownDiscussions(this.withPage(article), this.deps.store, { sources: this.deps.settings.sources }),
      services.flatMap((s) => s.refs),
    );
    const lookupOn = this.services(article).length > 0 && this.urls(article).length > 0;
    const listing = { articleId: article.id, entries, services, asking, lookupOn };
    this.listings.delete(article.id);
    this.listings.set(article.id, listing);
    if (this.listings.size > KEEP) this.listings.delete(this.listings.keys().next().value!);
    return listing;
  }

  /** The article's list as known now (built from the caches on first use). */
  listing(article: OpenedArticle): Listing {
    const known = this.listings.get(article.id);
    if (known) return known;
    const services = this.services(article);
    const urls = this.urls(article);
    const cached = urls.length > 0 ? cachedLookup(urls, this.lookupOptions(article, services)).result.services : [];
    return this.build(article, cached, []);
  }

  /**
   * The article opened: a lookup after this frame, when the cache's answers are due. When its own
   * discussion is JSON (HN, Reddit, Lobsters), the threads that will parse it start after this frame
   * too: they take ~70 ms to start, and the reader waited for them when `c` came first.
   */
  articleOpened(article: OpenedArticle, force = false) {
    const own = resolveTarget(
      { link: article.link, commentsUrl: article.commentsUrl, commentFeedUrl: article.commentFeedUrl, feedUrl: article.feedUrl, guid: article.guid },
      this.deps.store,
    );
    if (!force && own && own.source !== 'feed' && this.deps.warmParsers) this.turns.add(() => this.deps.warmParsers?.());
    this.abort?.abort();
    this.openedId = article.id;
    this.lookingUp = false;
    this.askAgain = false;
    const services = this.services(article);
    const urls = this.urls(article);
    if (services.length === 0 || urls.length === 0) return;
    // The cache is read now (a few rows), so the pane's first frame already says what is being asked.
    const { result, due } = cachedLookup(urls, { ...this.lookupOptions(article, services), force });
    this.build(article, result.services, due);
    if (due.length === 0) return;
    const abort = new AbortController();
    this.abort = abort;
    this.lookingUp = true;
    // After the key's frame, not stacked onto its task: the requests' setup is synchronous (~3 ms each).
    this.turns.add(() => {
      if (abort.signal.aborted) return;
      void this.lookup(article, urls, due, result.services, abort, force);
    });
    // A thread found is loaded next, parsed by those threads: they take ~70 ms to start.
    this.turns.add(() => this.deps.warmParsers?.());
  }

  private async lookup(article: OpenedArticle, urls: LookupUrl[], due: LookupServiceName[], known: ServiceOutcome[], abort: AbortController, force: boolean) {
    const outcomes = new Map(known.map((o) => [o.service, o]));
    const asking = new Set(due);
    let queued = false;
    // In a task of its own, once for answers arriving together: the others go on to their next
    // requests (Reddit's second pair of URL variants) before the pane is redrawn.
    const redraw = () => {
      if (queued || abort.signal.aborted) return;
      queued = true;
      setImmediate(() => {
        queued = false;
        if (abort.signal.aborted) return;
        this.build(article, [...outcomes.values()], [...asking]);
        this.onChange(article.id);
      });
    };
    try {
      await lookupDiscussions(urls, {
        ...this.lookupOptions(article, due),
        // Only the URLs whose answers are due, unless the reader asked for all (r).
        force,
        signal: abort.signal,
        ...(this.deps.manners ? { manners: this.deps.manners } : {}),
        // Threads show as each request finds them (Reddit's first URL variants answer before its last).
        onHits: (service, refs) => {
          const known = outcomes.get(service);
          outcomes.set(service, { service, refs: [...(known?.refs ?? []), ...refs], fetchedAt: known?.fetchedAt ?? null, fromCache: false });
          redraw();
        },
        onService: (o) => {
          outcomes.set(o.service, o);
          asking.delete(o.service);
          redraw();
        },
      });
    } catch {
      // Aborted: another article opened. What was asked and not answered is not being asked any more.
      const listing = this.listings.get(article.id);
      if (listing) this.build(article, [...outcomes.values()], []);
      return;
    }
    if (abort.signal.aborted) return;
    this.lookingUp = false;
    const listing = this.listings.get(article.id);
    if (listing && this.deps.store.setLookupCount(article.id, foundCount(listing.entries))) this.onCountLearned();
    if (this.askAgain) this.articleOpened(article);
  }

  /**
   * A thread was loaded: its size is known better now (the list's count follows). The article's own
   * first discussion is counted by the caller, as before lookups existed.
   */
  threadLoaded(article: OpenedArticle, key: string, total: number) {
    const listing = this.listings.get(article.id);
    const entry = listing?.entries.find((e) => e.key === key);
    if (!listing || !entry || entry.ref.comments === total) return;
    listing.entries = listing.entries.map((e) => (e === entry ? { ...e, ref: { ...e.ref, comments: total } } : e));
    this.onChange(article.id);
    if (!entry.own && this.deps.store.setLookupCount(article.id, foundCount(listing.entries))) this.onCountLearned();
  }

  /** Own discussions changed (one was loaded and cached): rebuild the article's list around them. */
  ownChanged(article: OpenedArticle) {
    const listing = this.listings.get(article.id);
    if (listing) this.build(article, listing.services, listing.asking);
  }

  dispose() {
    this.abort?.abort();
  }
}
