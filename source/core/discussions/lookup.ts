/**
 * Asking the search services where an article was submitted. The services are asked at once and
 * independently: one that fails, is slow or is rate limited costs its own line, never the others'
 * answers. Each answer is checked against the article's URL identities, merged across URL variants,
 * cached per (service, identity), and served from the cache while fresh (cache.ts says when).
 */
import type { Settings } from '../settings.js';
import { DiscussionError } from '../comments/errors.js';
import { JSON_ACCEPT, get, parseJsonBody, type FetchContext } from '../comments/net.js';
import { isDue, lookupKey, readLookup, writeLookup, type CachedLookup, type LookupStore } from './cache.js';
import { type Manners, RateLimitedError, userAgentFor } from './manners.js';
import { LOOKUP_SERVICES, type Hit, type LookupServiceName } from './services.js';
import { mergeDiscussions, sourceName, type DiscussionRef } from './types.js';
import { urlIdentity, type LookupUrl } from './url-identity.js';
import { nextTurn } from '../turns.js';

export interface LookupOptions {
  services: readonly LookupServiceName[];
  settings: { sources: Settings['sources']; fetch: Pick<Settings['fetch'], 'timeoutSeconds' | 'maxBytes'> };
  store?: LookupStore;
  /** The process's manners (the reader and each command keep one, over the cache's ledger); absent, nothing is gated. */
  manners?: Manners;
  now?: () => number;
  signal?: AbortSignal;
  /** The article's date, for when to ask again. */
  published?: string | null;
  /** Ask even when the cached answers are fresh (the user reloaded). */
  force?: boolean;
  /** Called as each service finishes, so a reader can show answers as they come. */
  onService?: (outcome: ServiceOutcome) => void;
  /**
   * Called as each single request of a service answers (Reddit is asked once per URL variant, two at
   * a time): the threads it found so far, checked. Not cached until the whole service has answered.
   */
  onHits?: (service: LookupServiceName, refs: DiscussionRef[]) => void;
}

export interface ServiceOutcome {
  service: LookupServiceName;
  /** The threads known: this answer, or the cached one when that was fresh or the request failed. */
  refs: DiscussionRef[];
  /** When `refs` were asked for; null when never. */
  fetchedAt: number | null;
  fromCache: boolean;
  /** One line (no service name) when a request failed or could not be sent. */
  error?: string;
  rateLimited?: boolean;
}

export interface LookupResult {
  /** Every thread found, merged, most comments first. */
  discussions: DiscussionRef[];
  services: ServiceOutcome[];
}

/** Lookups get small answers: a cap well under a feed's. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

const UNGATED = { run: <T>(_service: string, request: () => Promise<T>) => request() } as Pick<Manners, 'run'>;

/** A failure as one line without the URL (the pane names the service instead). */
export function failureLine(error: unknown): string {
  if (error instanceof RateLimitedError) return error.message;
  if (error instanceof DiscussionError) return error.reason;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? 'failed';
}

/** `Reddit: HTTP 503 Service Unavailable`: what the pane and stderr show for a failed service. */
export function outcomeLine(o: ServiceOutcome, now: number, ageInWords: (ms: number) => string): string | null {
  if (!o.error) return null;
  const kept = o.fetchedAt !== null && o.refs.length > 0 ? `; showing what it said ${ageInWords(now - o.fetchedAt)} ago` : '';
  return `${sourceName(o.service)}: ${o.error}${kept}`;
}

function cachedFor(service: LookupServiceName, urls: readonly LookupUrl[], store: LookupStore | undefined): Array<CachedLookup | undefined> {
  return urls.map((u) => readLookup(store, lookupKey(service, u.identity)));
}

function fromEntries(service: LookupServiceName, entries: Array<CachedLookup | undefined>): ServiceOutcome {
  const known = entries.filter((e): e is CachedLookup => e !== undefined);
  return {
    service,
    refs: mergeDiscussions([], ...known.map((e) => e.refs)),
    fetchedAt: known.length ? Math.min(...known.map((e) => e.fetchedAt)) : null,
    fromCache: true,
  };
}

/**
 * What the cache knows, without a request, and which services are due to be asked (missing, stale,
 * or asked about only some of the URLs).
 */
export function cachedLookup(
  urls: readonly LookupUrl[],
  options: Omit<LookupOptions, 'onService' | 'onHits' | 'signal' | 'manners'>,
): { result: LookupResult; due: LookupServiceName[] } {
  const now = (options.now ?? Date.now)();
  const services: ServiceOutcome[] = [];
  const due: LookupServiceName[] = [];
  for (const service of options.services) {
    const entries = cachedFor(service, urls, options.store);
    services.push(fromEntries(service, entries));
    if (urls.length > 0 && (options.force || entries.some((e) => isDue(e, now, options.published ?? null)))) due.push(service);
  }
  return { result: { discussions: mergeDiscussions([], ...services.map((s) => s.refs)), services }, due };
}

async function askOne(
  service: LookupServiceName,
  url: LookupUrl,
  identities: ReadonlySet<string>,
  options: LookupOptions,
  manners: Pick<Manners, 'run'>,
): Promise<DiscussionRef[]> {
  const def = LOOKUP_SERVICES[service];
  const userAgent = userAgentFor(service);
  const ctx: FetchContext = {
    timeoutMs: options.settings.fetch.timeoutSeconds * 1000,
    maxBytes: Math.min(options.settings.fetch.maxBytes, MAX_ANSWER_BYTES),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(userAgent ? { userAgent } : {}),
  };
  // Near misses, and submissions of another page of the same site, are not this article's.
  const matching = (hits: Hit[]) =>
    hits.filter((h) => {
      const id = urlIdentity(h.submitted);
      return id !== null && identities.has(id);
    });
  const found: DiscussionRef[] = [];
  await Promise.all(
    def.requests(url.url, options.settings.sources).map((requestUrl) =>
      manners.run(
        service,
        async () => {
          const res = await get(requestUrl, ctx, { accept: JSON_ACCEPT });
          if (res.status !== 'ok') throw new DiscussionError('fetch', requestUrl, 'unexpected 304');
          const refs = matching(def.parse(parseJsonBody(res.bytes, requestUrl), requestUrl)).map((h) => h.ref);
          found.push(...refs);
          if (refs.length > 0) options.onHits?.(service, mergeDiscussions([], found));
        },
        options.signal,
      ),
    ),
  );
  return mergeDiscussions([], found);
}

async function askService(
  service: LookupServiceName,
  urls: readonly LookupUrl[],
  options: LookupOptions,
  manners: Pick<Manners, 'run'>,
): Promise<ServiceOutcome> {
  const now = options.now ?? Date.now;
  const published = options.published ?? null;
  const identities = new Set(urls.map((u) => u.identity));
  const entries = cachedFor(service, urls, options.store);
  let error: unknown;
  const results = await Promise.all(
    urls.map(async (url, i): Promise<CachedLookup | undefined> => {
      const cached = entries[i];
      if (!options.force && !isDue(cached, now(), published)) return cached;
      try {
        const refs = await askOne(service, url, identities, options, manners);
        const fetchedAt = now();
        writeLookup(options.store, lookupKey(service, url.identity), refs, fetchedAt);
        return { fetchedAt, refs };
      } catch (e) {
        if (options.signal?.aborted) throw e;
        error ??= e;
        return cached;
      }
    }),
  );
  const outcome = fromEntries(service, results);
  outcome.fromCache = error !== undefined || results.every((r, i) => r === entries[i]);
  if (error !== undefined) {
    outcome.error = failureLine(error);
    if (error instanceof RateLimitedError) outcome.rateLimited = true;
  }
  return outcome;
}

/** Ask every service in `options.services` about `urls` (the cache first); never throws but for an abort. */
export async function lookupDiscussions(urls: readonly LookupUrl[], options: LookupOptions): Promise<LookupResult> {
  const manners = options.manners ?? UNGATED;
  // Each service starts a turn of the event loop after the one before it: a request's setup is
  // synchronous (~4 ms, more for the first https one), and six at once were a 25-35 ms stall in the reader.
  let started: Promise<void> = Promise.resolve();
  const services = await Promise.all(
    options.services.map((service, i) => {
      const turn = i === 0 ? started : started.then(nextTurn);
      started = turn;
      return turn.then(async () => {
        const outcome = await askService(service, urls, options, manners);
        options.onService?.(outcome);
        return outcome;
      });
    }),
  );
  return { discussions: mergeDiscussions([], ...services.map((s) => s.refs)), services };
}
