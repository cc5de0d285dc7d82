/**
 * Retention through the built CLI against the feed farm: `broadsheet refresh` removes the read,
 * unstarred articles past `keep.perFeed` and says how many; starred and unread ones stay; and the
 * removed ones, still in their feeds, do not come back as new on the next refresh. The farm sends no
 * validators, so every refresh fetches and saves every feed in full.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { startFarm, type Farm } from './support/farm/index.js';

interface ListedArticle {
  id: number;
  title: string;
  read: boolean;
  starred: boolean;
}

let farm: Farm;
let home: string;
beforeAll(async () => {
  farm = await startFarm({ feeds: 3, items: 10, seed: 21, quirks: false, validators: 'none' });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-retention-cli-'));
  const config = { feeds: farm.urls.map((url) => ({ url })), refreshOnStart: false, keep: { days: 3650, perFeed: 4 } };
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify(config));
});
afterAll(async () => {
  await farm.close();
  fs.rmSync(home, { recursive: true, force: true });
});

const listed = async (feed: string): Promise<ListedArticle[]> => {
  const run = await runCli(home, ['articles', '--feed', feed, '--limit', '100', '--json']);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as ListedArticle[];
};
const mark = async (action: string, ids: number[]) => expect((await runCli(home, ['mark', action, ...ids.map(String)])).code).toBe(0);

describe('broadsheet refresh with keep', () => {
  it('removes read, unstarred articles beyond perFeed, keeps starred and unread ones, and never brings the removed back', async () => {
    const first = await runCli(home, ['refresh']);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('30 new articles');
    expect(first.stderr).not.toContain('removed');

    const [feed0, feed1, feed2] = farm.urls as [string, string, string];
    const all0 = await listed(feed0);
    const all1 = await listed(feed1);
    expect(all0).toHaveLength(10);
    // Feed 0: everything read, the oldest starred. Feed 1: only its newest three read.
    await mark(
      'read',
      all0.map((a) => a.id),
    );
    await mark('star', [all0[9]!.id]);
    await mark(
      'read',
      all1.slice(0, 3).map((a) => a.id),
    );

    const second = await runCli(home, ['refresh', '--json']);
    expect(second.code).toBe(0);
    // Feed 0 keeps its newest four and the starred one; 5 go. Feed 1's read ones are among its newest
    // four, and feed 2 has nothing read.
    expect(second.stderr).toContain('; removed 5 old articles');
    expect(JSON.parse(second.stdout)).toMatchObject({ added: 0, removed: 5 });
    const kept0 = await listed(feed0);
    expect(kept0.map((a) => a.id)).toEqual([...all0.slice(0, 4), all0[9]!].map((a) => a.id));
    expect(kept0[4]).toMatchObject({ starred: true, read: true });
    expect(await listed(feed1)).toHaveLength(10);
    expect(await listed(feed2)).toHaveLength(10);

    // The farm still lists all ten of feed 0's items: none comes back, none is new.
    const third = await runCli(home, ['refresh']);
    expect(third.code).toBe(0);
    expect(third.stderr).toContain('3 updated');
    expect(third.stderr).toContain('0 new articles');
    expect(third.stderr).not.toContain('removed');
    expect((await listed(feed0)).map((a) => a.id)).toEqual(kept0.map((a) => a.id));
    const unread = await runCli(home, ['articles', '--unread', '--limit', '100', '--json']);
    expect((JSON.parse(unread.stdout) as ListedArticle[]).length).toBe(17);
  }, 60_000);
});
