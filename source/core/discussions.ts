/**
 * Discussions of an article wherever they are: the list type (types.ts), asking Hacker News, Reddit and
 * Lobsters where its URL was submitted (lookup.ts, services/, cached by cache.ts), with manners towards
 * them (manners.ts), and the article's list, own discussions first (article.ts). A lookup sends the
 * article's URL to those services; `discussions.lookup` in the settings says which ones, if any.
 */
export { DISCUSSION_SOURCES, byComments, mergeDiscussions, refKey, sourceName, type DiscussionRef, type DiscussionRefSource } from './discussions/types.js';
export { cleanUrl, lookupUrls, sameArticle, urlIdentity, type LookupUrl } from './discussions/url-identity.js';
export { canonicalAddress, pageAddress } from './discussions/page-address.js';
export { Manners, POLICIES, REDDIT_USER_AGENT, RateLimitedError, userAgentFor, type Ledger, type Policy } from './discussions/manners.js';
export { cachedLookup, failureLine, lookupDiscussions, outcomeLine, type LookupOptions, type LookupResult, type ServiceOutcome } from './discussions/lookup.js';
export { RECHECK, isDue, lookupKey, readLookup, type LookupStore } from './discussions/cache.js';
export { LOOKUP_SERVICES, LOOKUP_SERVICE_NAMES, type LookupServiceName } from './discussions/services.js';
export { defaultDiscussion, foundCount, listDiscussions, ownDiscussions, type DiscussedArticle, type ListedDiscussion } from './discussions/article.js';
