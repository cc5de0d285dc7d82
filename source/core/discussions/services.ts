/** The search services a lookup asks, by the names `discussions.lookup` uses. */
import { hackerNews } from './services/hackernews.js';
import { lobsters } from './services/lobsters.js';
import { reddit } from './services/reddit.js';
import type { LookupService } from './services/types.js';

export type { Hit, LookupService } from './services/types.js';

export const LOOKUP_SERVICES: Record<LookupService['name'], LookupService> = { hackernews: hackerNews, reddit, lobsters };

export type LookupServiceName = LookupService['name'];

export const LOOKUP_SERVICE_NAMES = Object.keys(LOOKUP_SERVICES) as LookupServiceName[];
