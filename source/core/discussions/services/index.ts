/** The search services a lookup asks, by the names `discussions.lookup` uses. */
import { hackerNews } from './hackernews.js';
import { lobsters } from './lobsters.js';
import { reddit } from './reddit.js';
import type { LookupService } from './types.js';

export type { Hit, LookupService } from './types.js';

export const LOOKUP_SERVICES: Record<LookupService['name'], LookupService> = { hackernews: hackerNews, reddit, lobsters };

export type LookupServiceName = LookupService['name'];

export const LOOKUP_SERVICE_NAMES = Object.keys(LOOKUP_SERVICES) as LookupServiceName[];
