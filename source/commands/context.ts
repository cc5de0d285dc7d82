/**
 * What every headless command gets: the settings (read once, never written by reading), a lazily
 * opened cache, and the two output streams. stdout is data; stderr is progress and errors.
 */
import { loadSettings, resolveHome, type Home, type LoadedSettings } from '../core/settings.js';
import { Store } from '../core/store.js';
import { sanitizeText } from '../core/sanitize.js';
import { syncedFeedSettings } from '../core/sync.js';

export interface Output {
  /** Text that may hold feed content: sanitized on the way out. */
  write(text: string): void;
  /** Our own control output (the progress bar's carriage returns), never feed content. */
  raw(text: string): void;
  isTTY: boolean;
  columns: number;
}

export interface Context {
  home: Home;
  loaded: LoadedSettings;
  store(): Store;
  out: Output;
  err: Output;
  close(): void;
}

export { UsageError } from '../core/errors.js';

export function createContext(homeFlag: string | undefined, out: Output, err: Output): Context {
  const home = resolveHome(homeFlag);
  const loaded = loadSettings(home);
  let store: Store | undefined;
  return {
    home,
    loaded,
    out,
    err,
    store() {
      if (!store) {
        store = Store.open(home.cachePath);
        // Syncing, the server's subscriptions (as of the last sync) are the feed list, not the file's.
        store.syncFeeds(loaded.settings.sync ? syncedFeedSettings(store) : loaded.settings.feeds);
      }
      return store;
    },
    close() {
      store?.close();
      store = undefined;
    },
  };
}

export function streamOutput(stream: NodeJS.WriteStream): Output {
  return {
    // Everything printed passes the sanitizer once more: the cache may hold text from older versions.
    write: (text) => void stream.write(sanitizeText(text)),
    raw: (text) => void stream.write(text),
    isTTY: Boolean(stream.isTTY),
    columns: stream.columns || 80,
  };
}
