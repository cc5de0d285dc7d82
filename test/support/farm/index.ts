/**
 * The project's feed farm: thousands of realistic feeds on 127.0.0.1 for the tests and benchmarks, with
 * validators, gzip, latency and churn, and on request every fault and hostile payload a reader must
 * survive. `startFarm` runs it in this process; cli.ts runs it as a process of its own (the benchmarks
 * do, so the farm never shares a CPU thread with the program they measure).
 */
export { startFarm, acceptsGzip, type Farm, type FarmCounters, type FarmOptions } from './server.js';
export { FAULT_KINDS, HOSTILE_KINDS, QUIRKS, type Affliction, type FaultKind, type HostileKind, type Quirk } from './plan.js';
export { CANARY_DIR, CANARY_PREFIX, OSC52_CANARY, TITLE_CANARY, XXE_CANARY } from './hostile.js';
export { urlsFile, opmlFile, type FarmFeed, type ListFiles } from './lists.js';
export { writeBigFeed, type BigFeed } from './big-feed.js';
