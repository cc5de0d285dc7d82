/**
 * Start the full-screen reader: check the terminal, open the cache, enter the alternate screen,
 * draw the first frame from the cache, then refresh in the background. Every exit path (q, Ctrl-C,
 * SIGTERM, SIGHUP, a crash) restores the terminal: Ink 6.8 leaves the alternate screen on for
 * signals and draws render errors inside it (INK_NOTES.md).
 */
import os from 'node:os';
import React from 'react';
import { render, type Instance } from 'ink';
import { loadSettings, normalizeFeedUrl, resolveHome, updateSettings, type Settings } from '../core/settings.js';
import { Store } from '../core/store.js';
import { refreshFeeds, fetchAndParse, describeFailure } from '../core/refresh.js';
import { createParsePool, type ParsePool } from '../core/parse-pool.js';
import { closeAgents } from '../core/http.js';
import { Manners } from '../core/discussions/manners.js';
import { openInBrowser } from '../core/browser.js';
import { discoveredUrlOf } from '../core/discover.js';
import { UsageError } from '../commands/context.js';
import { buildKeymap } from './keys.js';
import { buildTheme, colorEnabled } from './theme.js';
import { ReaderController, type ControllerDeps } from './controller.js';
import { App } from './App.js';
import { openTrace } from './trace.js';

const ENTER_ALT = '\x1b[?1049h\x1b[H\x1b[2J';
const LEAVE_ALT = '\x1b[?25h\x1b[?1049l';

export async function startReader(homeFlag: string | undefined): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('the reader needs a terminal on stdin and stdout; for scripts use the headless commands (broadsheet --help)');
  }
  const home = resolveHome(homeFlag);
  const loaded = loadSettings(home);
  const settings: Settings = loaded.settings;
  const { keymap, unknown: unknownKeys } = buildKeymap(settings.keys);
  const color = colorEnabled();
  const { paint, chalk, unknown: unknownTheme } = buildTheme(settings.theme, color);
  const store = Store.open(home.cachePath);
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
    await pool?.close();
    closeAgents();
    store.close();
  };

  // One core is left to the reader itself: with a worker per core, drawing a frame while two workers
  // parsed a 20 MB feed took 40-60 ms on 2 cores. A background refresh is slower; keys are not.
  const parsers = () => (pool ??= createParsePool({ store, threads: Math.max(1, os.availableParallelism() - 1) }));

  const deps: ControllerDeps = {
    store,
    settings,
    keymap,
    color,
    paint,
    chalk,
    openUrl: (url) => void openInBrowser(url),
    exit: () => instance?.unmount(),
    // A large discussion is parsed and threaded by the parse workers, started by the first one opened.
    parseDiscussion: (job) => parsers().discussion(job),
    warmParsers: () => parsers().warm(),
    // Lookups and threads share one set of manners; the cache's ledger shares it with other processes.
    manners: new Manners({ ledger: store.ledger() }),
    refresh: async (urls, onFeed) => {
      const summary = await refreshFeeds({
        store,
        urls,
        fetch: settings.fetch,
        pool: parsers(),
        onProgress: (p) => onFeed(p.done, p.total, p.outcome.status === 'updated' && (p.outcome.added > 0 || p.outcome.updated > 0)),
      });
      const failed = summary.failed.length;
      const first = summary.failed[0];
      return (
        `Refreshed ${summary.total} feed${summary.total === 1 ? '' : 's'}: ${summary.added} new article${summary.added === 1 ? '' : 's'}` +
        (failed ? `, ${failed} failed (${first?.url}: ${first?.status === 'failed' ? first.reason : ''})` : '.') +
        (loaded.demo ? ' These are demo feeds: a adds your own, ? shows the keys.' : '')
      );
    },
    addFeed: async (input) => {
      let url: string;
      try {
        url = normalizeFeedUrl(input);
      } catch (error) {
        throw new Error((error as Error).message);
      }
      if (settings.feeds.some((f) => f.url === url) && !loaded.demo) return `Already subscribed to ${url}.`;
      let checked;
      try {
        checked = await fetchAndParse(url, settings.fetch);
      } catch (error) {
        // An HTML page that links to its feed: the controller offers that feed instead.
        const discovered = discoveredUrlOf(error);
        throw Object.assign(new Error(`${url}: ${describeFailure(error)}`), discovered ? { discoveredUrl: discovered } : {});
      }
      const next = updateSettings(home, (raw) => {
        raw.feeds = [...(Array.isArray(raw.feeds) ? raw.feeds : []), { url }];
      });
      settings.feeds = next.feeds;
      loaded.demo = false;
      store.syncFeeds(settings.feeds);
      store.saveFeed(url, checked.feed, { etag: checked.etag, lastModified: checked.lastModified, broken: checked.broken });
      return `Added "${checked.feed.title || url}" (${checked.feed.articles.length} articles).`;
    },
  };

  const trace = openTrace(process.env.BROADSHEET_TRACE);
  const columns = process.stdout.columns || 80;
  const rows = process.stdout.rows || 24;
  const controller = new ReaderController(deps, columns, rows);
  const warnings = [...unknownKeys.map((k) => `keys.${k}`), ...unknownTheme];
  if (warnings.length) controller.dispatch({ type: 'status', text: `Ignored unknown settings: ${warnings.join(', ')}` });
  else if (loaded.demo) controller.dispatch({ type: 'status', text: `Demo feeds. a adds your own feed; settings live in ${home.configPath}. ? shows the keys.` });

  const onSignal = (signal: NodeJS.Signals, code: number) => {
    restore();
    void shutdown().finally(() => process.exit(128 + code));
  };
  const signals: [NodeJS.Signals, number][] = [['SIGTERM', 15], ['SIGHUP', 1], ['SIGINT', 2]];
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
  process.stdout.write(ENTER_ALT);
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
    if (crashAfter > 0) setTimeout(() => { throw new Error('deliberate crash (BROADSHEET_CRASH_AFTER_MS)'); }, crashAfter);
    // The first frame came from the cache; only now touch the network.
    if (settings.refreshOnStart && settings.feeds.length > 0) {
      setTimeout(() => void controller.startRefresh(settings.feeds.map((f) => f.url), 'all feeds'), 0);
    }
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
