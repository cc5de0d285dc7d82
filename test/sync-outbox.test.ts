/** The sync outbox in the cache (store/sync-state.ts) and the password command, without a server. */
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store, type RemoteArticle } from '../source/core/store.js';
import { MarkHistory } from '../source/core/marks.js';
import { readPassword, splitCommand, SyncError } from '../source/core/sync.js';

let dir = '';
let store: Store;
afterEach(() => {
  store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const remote = (id: number, feedId: string, state: { unread?: boolean; starred?: boolean } = {}): RemoteArticle => ({
  id: String(id),
  feedId,
  unread: state.unread ?? true,
  starred: state.starred ?? false,
  article: {
    id: String(id),
    title: `T${id}`,
    link: '',
    author: '',
    published: null,
    html: `<p>${id}</p>`,
    commentsUrl: '',
    commentFeedUrl: '',
    commentCount: null,
  },
});

/** A cache synced with a pretend server: feed 7 with articles 101-103 (103 read on the server), and one feed fetched directly. */
function open() {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-outbox-'));
  store = Store.open(path.join(dir, 'cache.db'));
  const sync = store.syncState();
  sync.switchAccount('test account');
  sync.saveRemoteFeeds([{ id: '7', url: 'https://server.example/feed', title: 'Synced', category: 'News', unread: 2 }]);
  expect(sync.saveRemoteArticles([remote(101, '7'), remote(102, '7'), remote(103, '7', { unread: false })])).toBe(3);
  const ids = new Map(store.articles({}, { limit: 10 }).map((r) => [r.guid, r.id]));
  return { sync, ids: (n: number) => ids.get(String(n))! };
}

describe('sync outbox', () => {
  it('queues a mark on a synced article in the mark itself, and nothing for a feed fetched directly', () => {
    const { sync, ids } = open();
    expect(store.article(ids(103))!.read).toBe(true);
    expect(store.feeds().map((f) => [f.title, f.tags])).toEqual([['Synced', ['News']]]);
    store.syncFeeds([{ url: 'https://direct.example/feed' }]);
    store.saveFeed(
      'https://direct.example/feed',
      { title: 'D', link: '', articles: [{ ...remote(1, 'x').article, id: 'd1' }] },
      { etag: null, lastModified: null },
    );
    const direct = store.articles({}, { limit: 10 }).find((r) => r.guid === 'd1')!.id;
    store.setRead([ids(101), direct], true);
    store.setStarred([ids(102)], true);
    expect(sync.pendingMarks().map((m) => [m.serverId, m.field, m.value])).toEqual([
      ['101', 'read', true],
      ['102', 'starred', true],
    ]);
  });

  it('keeps only the latest mark per article and field, even one back to the server state', () => {
    const { sync, ids } = open();
    const history = new MarkHistory(store);
    history.mark([ids(101)], 'read');
    history.mark([ids(101)], 'unread');
    // Back to the server's state, but the later mark: another home may have sent "read" meanwhile.
    expect(sync.pendingMarks().map((m) => [m.serverId, m.field, m.value])).toEqual([['101', 'read', false]]);
    history.mark([ids(103)], 'unread');
    expect(history.undo()).toBe('marked unread');
    expect(sync.pendingMarks().map((m) => [m.serverId, m.value])).toEqual([
      ['101', false],
      ['103', true],
    ]);
  });

  it('queues mark-all-read for every synced article it changed', () => {
    const { sync } = open();
    new MarkHistory(store).markAllRead({});
    expect(sync.pendingMarks().map((m) => m.serverId)).toEqual(['101', '102']);
  });

  it('acknowledging drops the sent rows but keeps one replaced while it was sent', () => {
    const { sync, ids } = open();
    store.setRead([ids(101), ids(102)], true);
    const sent = sync.pendingMarks();
    store.setRead([ids(102)], false);
    store.setRead([ids(102)], true); // replaced: a new row with the same meaning, made after the send began
    sync.acknowledgeMarks(sent);
    expect(sync.pendingMarks().map((m) => m.serverId)).toEqual(['102']);
  });

  it('takes the server states except where a local mark waits, and queues nothing for them', () => {
    const { sync, ids } = open();
    store.setStarred([ids(102)], true);
    const changed = sync.applyRemoteStates({ read: ['101'], unreadByFeed: new Map([['7', new Set(['103'])]]), starred: new Set(['101']) });
    expect(changed).toBe(4); // 101 read and starred, 102 read, 103 unread; 102's star waits to be sent
    const state = (n: number) => ({ read: store.article(ids(n))!.read, starred: store.article(ids(n))!.starred });
    expect([state(101), state(102), state(103)]).toEqual([
      { read: true, starred: true },
      { read: true, starred: true },
      { read: false, starred: false },
    ]);
    expect(sync.pendingMarks().map((m) => [m.serverId, m.field])).toEqual([['102', 'starred']]);
  });

  it('forgets the server ids, cursor and outbox when the account changes', () => {
    const { sync, ids } = open();
    store.setRead([ids(101)], true);
    sync.setValue('cursor', '103');
    expect(sync.switchAccount('test account')).toBe(false);
    expect(sync.switchAccount('another account')).toBe(true);
    expect([sync.pendingMarks(), sync.value('cursor'), sync.syncedFeeds()]).toEqual([[], undefined, []]);
  });

  it('lists feeds gone from the server no more', () => {
    const { sync } = open();
    sync.saveRemoteFeeds([{ id: '8', url: 'https://server.example/other', title: 'Other', category: '', unread: 0 }]);
    expect(sync.syncedFeeds()).toEqual([{ url: 'https://server.example/other', title: 'Other' }]);
    expect(store.feeds().map((f) => f.url)).toEqual(['https://server.example/other']);
  });
});

describe('passwordCommand', () => {
  it('splits into words with quotes and escapes, and runs no shell', async () => {
    expect(splitCommand(`pass show 'tt rss/main' "a \\"b\\"" c\\ d`)).toEqual(['pass', 'show', 'tt rss/main', 'a "b"', 'c d']);
    expect(() => splitCommand(`cat 'open`)).toThrow(/unclosed quote/);
    // A shell would expand $HOME and run the second command; execFile hands them to echo as words.
    expect(await readPassword('echo $HOME; touch /tmp/bs-should-not-exist')).toBe('$HOME; touch /tmp/bs-should-not-exist');
    expect(fs.existsSync('/tmp/bs-should-not-exist')).toBe(false);
  });

  it('fails in one line that never holds what the command printed', async () => {
    // The same words as a feed's password command (feed-auth.ts), as a SyncError.
    await expect(readPassword('sh -c "echo s3cret; exit 3"')).rejects.toThrow(/^password command \(sh\) failed with exit status 3$/);
    await expect(readPassword('sh -c "echo s3cret; exit 3"')).rejects.toBeInstanceOf(SyncError);
    await expect(readPassword('/no/such/command')).rejects.toThrow('password command (command) not found');
    await expect(readPassword('true')).rejects.toThrow('printed no password');
  });
});
