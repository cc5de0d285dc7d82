/**
 * Start the full-screen reader: check the terminal, open the cache, enter the alternate screen (and
 * mouse reporting, unless `"mouse": false`), draw the first frame from the cache, then refresh in the
 * background. Every exit path (q, Ctrl-C, SIGTERM, SIGHUP, a crash) restores the terminal, mouse
 * reporting off: Ink 6.8 leaves the alternate screen on for signals and draws render errors inside it
 * (README, Design: "Ink on Node 20").
 */
import os from 'node:os';
import { render, type Instance } from 'ink';
import { loadSettings, resolveHome, type Settings } from '../core/settings.js';
import { Store } from '../core/store.js';
import { refreshFeeds } from '../core/refresh.js';
import { FeedLogins } from '../core/feed-auth.js';
import { refreshSummaryLine } from '../core/refresh-summary.js';
import { createParsePool, type ParsePool } from '../core/workers.js';
import { closeAgents } from '../core/http.js';
import { Manners } from '../core/discussions.js';
import { openInBrowser } from '../core/browser.js';
import { subscribe, unsubscribe } from '../core/subscribe.js';
import { createBackend, ignoredFeedsNotice, runSync, subscribeOnServer, syncedFeedSettings, syncSummaryLine, unsubscribeOnServer } from '../core/sync.js';
import { UsageError } from '../core/errors.js';
import { buildKeymap, keyOf } from './keys.js';
import { pageLoader } from '../core/page.js';
import { buildTheme, colorEnabled } from './theme.js';
import { ReaderController, type ControllerDeps } from './controller.js';
import { App } from './App.js';
import { openTrace } from './trace.js';
import { MOUSE_OFF, MOUSE_ON } from './state/mouse.js';

const ENTER_ALT = '\x1b[?1049h\x1b[H\x1b[2J';
// Mouse reporting goes off on every exit path, whether or not it was turned on: a shell left with it
// on prints garbage at every click.
const LEAVE_ALT = `${MOUSE_OFF}\x1b[?25h\x1b[?1049l`;

export async function startReader(homeFlag: string | undefined): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('the reader needs a terminal on stdin and stdout; for scripts use the headless commands (broadsheet --help)');
  }
  const home = resolveHome(homeFlag);
  const loaded = loadSettings(home);
  const settings: Settings = loaded.settings;
  // loadSettings has rejected unknown actions, elements and colours (core/settings-names.ts).
  const { keymap } = buildKeymap(settings.keys);
  const color = colorEnabled();
  const { paint, chalk } = buildTheme(settings.theme, color);
  const store = Store.open(home.cachePath);
  // Syncing, the server's subscriptions (as of the last sync) are the feed list, and a refresh is a sync.
  const backend = settings.sync ? createBackend(settings.sync, settings.fetch) : null;
  const fileFeeds = settings.feeds;
  if (backend) settings.feeds = syncedFeedSettings(store);
  store.syncFeeds(settings.feeds);

  let pool: ParsePool | undefined;
  let instance: Instance | undefined;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      instance?.unmount();
    } catch {
      // Unmounting a tree that failed to render can throw; the terminal matters more.
    }
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdout.write(LEAVE_ALT);
  };
  const shutdown = async () => {
    controller.dispose();
    backend?.close();
    await pool?.close();
    closeAgents();
    store.close();
  };

  // One core is left to the reader itself: with a worker per core, drawing a frame while two workers
  // parsed a 20 MB feed took 40-60 ms on 2 cores. A background refresh is slower; keys are not.
  const parsers = () => (pool ??= createParsePool({ store, threads: Math.max(1, os.availableParallelism() - 1) }));

  // One per reader: a password command runs once, and feeds added in the reader are found too.
  const logins = new FeedLogins(() => settings.feeds);
  const deps: ControllerDeps = {
    store,
    settings,
    keymap,
    color,
    paint,
    chalk,
    openUrl: (url) => void openInBrowser(url),
    exit: () => instance?.unmount(),
    // Ink writes its frames synchronously from the same thread, so a write made inside a key handler
    // lands between two frames; an OSC 52 sequence does not move the cursor Ink keeps track of.
    writeToTerminal: (bytes) => void process.stdout.write(bytes),
    inTmux: Boolean(process.env.TMUX),
    // A large discussion is parsed and threaded by the parse workers, started by the first one opened.
    parseDiscussion: (job) => parsers().discussion(job),
    warmParsers: () => parsers().warm(),
    // Articles' pages are extracted and stored by the same workers.
    loadPage: pageLoader(store, parsers, settings.fetch, Date.now, logins),
    // Lookups and threads share one set of manners; the cache's ledger shares it with other processes.
    manners: new Manners({ ledger: store.ledger() }),
    refresh: async (urls, onFeed) => {
      if (backend && settings.sync) {
        const summary = await runSync(store, backend, (stage, count) => onFeed(stage === 'states' ? 1 : 0, 1, stage === 'articles' && count > 0), {
          // In a parse worker, as after a refresh: a big pull's index would stall the reader's frames.
          indexForSearch: () => parsers().indexForSearch(),
        });
        // In place: the actions read the feed list from the settings.
        settings.feeds.splice(0, settings.feeds.length, ...syncedFeedSettings(store));
        return `${syncSummaryLine(summary, settings.sync.url).replace(/^s/, 'S')}.`;
      }
      const summary = await refreshFeeds({
        store,
        urls,
        fetch: settings.fetch,
        pool: parsers(),
        logins,
        filters: settings.filters,
        // In the parse workers: a batch of 100 on this thread stalled a frame by 40-60 ms.
        indexForSearch: true,
        retention: { keep: settings.keep, feeds: settings.feeds, vacuum: 'steps' },
        onProgress: (p) =>
          onFeed(p.done, p.total, p.outcome.status === 'updated' && (p.outcome.added > 0 || p.outcome.updated > 0), {
            added: p.outcome.status === 'updated' ? p.outcome.added : 0,
            failed: p.outcome.status === 'failed',
          }),
      });
      return `Refreshed ${refreshSummaryLine(summary, { firstFailure: true })}.${loaded.demo ? ` Demo feeds: ${keyOf(keymap, 'add-feed')} adds your own.` : ''}`;
    },
    addFeed: async (input) => {
      if (!backend) return subscribe(loaded, () => store, { input, discover: true });
      const result = await subscribeOnServer(store, backend, input);
      settings.feeds.splice(0, settings.feeds.length, ...syncedFeedSettings(store));
      return result;
    },
    // With a sync server, a reload is one sync of every feed: the server is the one thing to schedule
    // (its feeds are never fetched here, so they have no checks of their own to time them by).
    ...(backend && settings.sync
      ? { reloadFeeds: () => [{ url: settings.sync?.url ?? '', lastChecked: null, retryAfter: null, minReloadMinutes: null }] }
      : {}),
    removeFeed: async (url) => {
      if (!backend) return unsubscribe(loaded, url, store);
      const removed = await unsubscribeOnServer(store, backend, url);
      settings.feeds.splice(0, settings.feeds.length, ...syncedFeedSettings(store));
      return { kind: removed ? 'removed' : 'not-subscribed', url };
    },
  };

  const trace = openTrace(process.env.BROADSHEET_TRACE);
  const columns = process.stdout.columns || 80;
  const rows = process.stdout.rows || 24;
  const controller = new ReaderController(deps, columns, rows);
  if (loaded.demo)
    controller.dispatch({
      type: 'status',
      text: `Demo feeds. ${keyOf(keymap, 'add-feed')} adds your own feed; settings live in ${home.configPath}. ${keyOf(keymap, 'help')} shows the keys.`,
    });

  const onSignal = (_signal: NodeJS.Signals, code: number) => {
    restore();
    void shutdown().finally(() => process.exit(128 + code));
  };
  const signals: [NodeJS.Signals, number][] = [
    ['SIGTERM', 15],
    ['SIGHUP', 1],
    ['SIGINT', 2],
  ];
  const handlers = signals.map(([signal, code]) => {
    const handler = () => onSignal(signal, code);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const onCrash = (error: unknown) => {
    restore();
    process.stderr.write(`broadsheet: crashed: ${(error as Error)?.stack ?? error}\n`);
    process.exit(70);
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  // Raw mode before the first write, or keys typed during start-up echo onto the screen.
  process.stdin.setRawMode(true);
  process.stdout.write(settings.mouse ? ENTER_ALT + MOUSE_ON : ENTER_ALT);
  try {
    instance = render(<App controller={controller} paint={paint} keymap={keymap} onKey={trace && (() => trace('key'))} />, {
      exitOnCtrlC: false,
      patchConsole: false,
      // Ink throttles frames to 30 a second by default: a key pressed 10 ms after another would wait 23 ms.
      maxFps: 120,
      ...(trace ? { onRender: () => trace('frame') } : {}),
    });
    // For the end-to-end tests of the crash path: an uncaught error at a chosen moment.
    const crashAfter = Number(process.env.BROADSHEET_CRASH_AFTER_MS);
    if (crashAfter > 0)
      setTimeout(() => {
        throw new Error('deliberate crash (BROADSHEET_CRASH_AFTER_MS)');
      }, crashAfter);
    // The first frame came from the cache; only now touch the network. The background reloads start
    // after the start-up refresh has begun, so they wait for it rather than race it. With a sync
    // server, every refresh (deps.refresh) is a sync, so the reloads keep the server's state fresh too.
    const ignored = ignoredFeedsNotice({ ...settings, feeds: fileFeeds });
    if (ignored) controller.dispatch({ type: 'status', text: `${ignored}.` });
    setTimeout(() => {
      if (settings.refreshOnStart && (backend || settings.feeds.length > 0)) {
        void controller.startRefresh(backend ? [settings.sync?.url ?? ''] : settings.feeds.map((f) => f.url), 'all feeds');
      } else {
        // Articles a headless refresh stored wait for the search index: the start-up refresh builds it
        // when done; without one, a parse worker builds it now.
        if (store.searchBehind())
          void parsers()
            .indexForSearch()
            .catch(() => {});
      }
      controller.startReloads();
    }, 0);
    await instance.waitUntilExit();
  } catch (error) {
    restore();
    await shutdown();
    throw new Error(`the reader stopped: ${(error as Error)?.message ?? error}`);
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
  restore();
  await shutdown();
  return 0;
}
