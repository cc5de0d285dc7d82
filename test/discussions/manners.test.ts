/** Manners: in-flight cap, spacing, the services' windows, 429 pauses (fake clock unless noted). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Manners, RateLimitedError } from '../../source/core/discussions/manners.js';
import { FetchError } from '../../source/core/http.js';
import { Store } from '../../source/core/store.js';
import { DiscussionError } from '../../source/core/comments/errors.js';

let now: number;
let store: Store;
const fake = (over: ConstructorParameters<typeof Manners>[0] = {}) =>
  new Manners({
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    ...over,
  });
beforeEach(() => {
  now = 1_000_000_000;
  store = Store.open(':memory:');
});
afterEach(() => store.close());

describe('Manners', () => {
  it('keeps at most two requests in flight per service, the others queued in order', async () => {
    const manners = new Manners();
    let open = 0;
    let peak = 0;
    const order: number[] = [];
    const request = (n: number) => async () => {
      open++;
      peak = Math.max(peak, open);
      await new Promise((r) => setTimeout(r, 20));
      open--;
      order.push(n);
      return n;
    };
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => manners.run('hackernews', request(n))));
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    // Another service has its own two.
    open = 0;
    peak = 0;
    await Promise.all([manners.run('reddit', request(6)), manners.run('hackernews', request(7)), manners.run('hackernews', request(8))]);
    expect(peak).toBe(3);
  });

  it('sends Lobsters at most one request a second', async () => {
    const manners = fake();
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 5 }, () => manners.run('lobsters', async () => void starts.push(now))));
    expect(starts.map((t) => t - starts[0]!)).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('keeps to 400 Lobsters requests an hour across processes sharing a cache, failing fast beyond a short wait', async () => {
    const ledger = store.ledger();
    for (let i = 0; i < 400; i++) ledger.recordRequest('lobsters', now - 3_500_000 + i * 8_000);
    const manners = fake({ ledger });
    const error = await manners.run('lobsters', async () => 'sent').catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.message).toMatch(/^400 requests in an hour reached; next at \d\d:\d\d$/);
    // Once the oldest of them is an hour old, one more may go.
    now += 100_000;
    expect(await manners.run('lobsters', async () => 'sent')).toBe('sent');
    expect(ledger.requestsSince('lobsters', now - 3_600_000 + 1)).toHaveLength(400);
  });

  it('waits out a window when allowed to wait that long (Reddit: 10 a minute)', async () => {
    const manners = fake({ maxWaitMs: 120_000 });
    const starts: number[] = [];
    for (let i = 0; i < 12; i++) await manners.run('reddit', async () => void starts.push(now));
    expect(starts[9]! - starts[0]!).toBe(0);
    expect(starts[10]! - starts[0]!).toBe(60_000);
  });

  it('pauses a service after a 429 for its Retry-After, without sending', async () => {
    const manners = fake({ ledger: store.ledger() });
    const limited = new DiscussionError('fetch', 'http://x', 'HTTP 429', {
      cause: new FetchError('http', 'HTTP 429 Too Many Requests', { status: 429, retryAfterSeconds: 600 }),
    });
    await expect(manners.run('reddit', async () => Promise.reject(limited))).rejects.toBe(limited);
    expect(manners.pausedUntil('reddit')).toBe(now + 600_000);
    let sent = 0;
    const error = await manners.run('reddit', async () => void sent++).catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.until).toBe(now + 600_000);
    expect(sent).toBe(0);
    // Another process on the same cache sees the pause too.
    expect(fake({ ledger: store.ledger() }).pausedUntil('reddit')).toBe(now + 600_000);
    now += 600_000;
    await manners.run('reddit', async () => void sent++);
    expect(sent).toBe(1);
  });

  it('an abort while queued leaves the queue', async () => {
    const manners = new Manners();
    let release!: () => void;
    const blocker = new Promise<void>((r) => (release = r));
    const a = manners.run('hackernews', () => blocker);
    const b = manners.run('hackernews', () => blocker);
    const abort = new AbortController();
    const c = manners.run('hackernews', async () => 'c', abort.signal);
    abort.abort(new Error('gone'));
    await expect(c).rejects.toThrow('gone');
    release();
    await Promise.all([a, b]);
    expect(await manners.run('hackernews', async () => 'd')).toBe('d');
  });
});
