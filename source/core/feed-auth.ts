/**
 * HTTP Basic credentials for feeds: a feed's `auth` setting (a user, and a command that prints the
 * password), or a user and password in its URL.
 *
 * A password never leaves memory: the command runs when a feed first needs it and its answer is kept
 * for the process only; a URL's credentials are taken out of the URL when the settings are read, so the
 * cache, the screen and every message name the feed by its URL without them.
 */
import { spawn } from 'node:child_process';
import { inspect } from 'node:util';

/** What a fetch sends (http.ts's BasicCredentials, restated: settings/ imports this module). */
export interface Login {
  user: string;
  password: string;
}

/** A feed's `auth` as the settings file gives it. */
export interface FeedAuth {
  user: string;
  /** Run without a shell: split into words at spaces, '…' and "…" quote, \ escapes. */
  passwordCommand: string;
}

/** A user and password from a feed's URL, printed and serialized without the password. */
export class UrlCredentials {
  readonly user: string;
  readonly #password: string;

  constructor(user: string, password: string) {
    this.user = user;
    this.#password = password;
  }

  get password(): string {
    return this.#password;
  }

  toJSON(): { user: string } {
    return { user: this.user };
  }

  [inspect.custom](): string {
    return `UrlCredentials { user: ${JSON.stringify(this.user)} }`;
  }
}

/** The parts of a feed's settings this module reads. */
export interface FeedLoginSetting {
  url: string;
  auth?: FeedAuth;
  urlCredentials?: UrlCredentials;
}

/** A password command failed, or the feed's login cannot be used: one line, naming no secret. */
export class FeedAuthError extends Error {
  override name = 'FeedAuthError';
}

const USERINFO = /^(https?:\/\/)[^/?#]*@/i;

/** An http(s) URL without its `user:password@`; anything else as it is. */
export function withoutUserinfo(url: string): string {
  return url.replace(USERINFO, '$1');
}

/**
 * `text` with the userinfo of every http(s) URL in it removed: the CLI's last guard on an error line
 * that names a URL as the user typed it (`page`, `comments` and `discussions` take any URL).
 */
export function withoutUserinfoIn(text: string): string {
  return text.replace(/\b(https?:\/\/)[^\s/?#]*@/gi, '$1');
}

/**
 * A feed as the rest of the program sees it: its URL without userinfo (the cache's key for it), and the
 * userinfo, if any, kept beside it in memory.
 */
export function separateUrlCredentials<T extends FeedLoginSetting>(feed: T): T & Pick<FeedLoginSetting, 'urlCredentials'> {
  if (!USERINFO.test(feed.url)) return feed;
  let parsed: URL;
  try {
    parsed = new URL(feed.url);
  } catch {
    return { ...feed, url: withoutUserinfo(feed.url) };
  }
  return { ...feed, url: withoutUserinfo(feed.url), urlCredentials: new UrlCredentials(decoded(parsed.username), decoded(parsed.password)) };
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Split a command line into words without a shell: blanks separate words; '…' quotes literally; "…"
 * quotes with \" and \\ escaped; outside quotes \ escapes the next character. No variables, no globs,
 * no pipes: for those, run a shell yourself (`sh -c '…'`).
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (command[i + 1] === '"' || command[i + 1] === '\\')) word += command[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new FeedAuthError('passwordCommand has an unclosed quote');
  if (inWord) words.push(word);
  return words;
}

/** A password command that has not answered in this long is stopped (a prompt nobody sees, a hang). */
const COMMAND_TIMEOUT_MS = 60_000;
/** More than this on stdout is not a password. */
const MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * Run a password command and return the first line it prints. Its stderr is not shown (the reader owns
 * the screen) nor repeated (it could hold the secret): a failure is named by the program and its exit
 * status. Exported for its tests.
 */
export function runPasswordCommand(command: string, timeoutMs = COMMAND_TIMEOUT_MS): Promise<string> {
  const argv = splitCommand(command);
  const program = argv[0];
  if (program === undefined) return Promise.reject(new FeedAuthError('passwordCommand is empty'));
  // The program's name, never its arguments: `echo hunter2` would otherwise print the password.
  const name = `password command (${program.split('/').pop()})`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true, timeout: timeoutMs });
    const chunks: Buffer[] = [];
    let size = 0;
    let failed: FeedAuthError | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        failed ??= new FeedAuthError(`${name} printed more than ${MAX_OUTPUT_BYTES / 1024} KiB`);
        child.kill();
      } else chunks.push(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      failed ??= new FeedAuthError(error.code === 'ENOENT' ? `${name} not found` : `${name} could not be run (${error.code ?? 'error'})`);
    });
    child.on('close', (code, signal) => {
      if (failed !== null) return reject(failed);
      if (signal !== null)
        return reject(
          new FeedAuthError(
            signal === 'SIGTERM' && code === null
              ? `${name} was stopped (no answer in ${Math.round(timeoutMs / 1000)} s, or killed)`
              : `${name} was killed (${signal})`,
          ),
        );
      if (code !== 0) return reject(new FeedAuthError(`${name} failed with exit status ${code}`));
      // The first line: `pass` and similar tools print the password first and notes after it.
      const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
      if (password === '') return reject(new FeedAuthError(`${name} printed no password`));
      resolve(password);
    });
  });
}

/**
 * The logins of the subscribed feeds, for one process: each password command runs when its feed is
 * first fetched, and its answer is reused until the process ends. A failure is not kept: the next
 * refresh asks again (the user may have unlocked their keyring since).
 */
export class FeedLogins {
  readonly #feeds: () => readonly FeedLoginSetting[];
  readonly #passwords = new Map<string, Promise<string>>();
  readonly #run: (command: string) => Promise<string>;

  /** `feeds` is read at each look-up: a feed added meanwhile is known. */
  constructor(feeds: () => readonly FeedLoginSetting[], run: (command: string) => Promise<string> = (command) => runPasswordCommand(command)) {
    this.#feeds = feeds;
    this.#run = run;
  }

  /** The credentials for the feed at `url` (as the cache names it), or undefined when it has none. */
  credentialsFor(url: string): Promise<Login | undefined> {
    return this.#loginOf(this.#feeds().find((f) => f.url === url));
  }

  /**
   * The credentials for an article's page: those of the first feed with a login on the page's origin
   * (scheme, host and port), as a browser reuses a login within a site. A page on any other origin gets
   * none: a feed's password is never sent to a site the user did not give it for.
   */
  credentialsForPage(pageUrl: string): Promise<Login | undefined> {
    const origin = originOf(pageUrl);
    if (origin === null) return Promise.resolve(undefined);
    return this.#loginOf(this.#feeds().find((f) => (f.auth !== undefined || f.urlCredentials !== undefined) && originOf(f.url) === origin));
  }

  async #loginOf(feed: FeedLoginSetting | undefined): Promise<Login | undefined> {
    if (feed === undefined) return undefined;
    // `auth` in the settings wins over a user and password in the URL.
    if (feed.auth !== undefined) {
      const key = `${feed.auth.user}\n${feed.auth.passwordCommand}`;
      let password = this.#passwords.get(key);
      if (password === undefined) {
        password = this.#run(feed.auth.passwordCommand);
        this.#passwords.set(key, password);
        password.catch(() => this.#passwords.delete(key));
      }
      return { user: feed.auth.user, password: await password };
    }
    if (feed.urlCredentials !== undefined) return { user: feed.urlCredentials.user, password: feed.urlCredentials.password };
    return undefined;
  }
}

/** An http(s) URL's origin, or null for anything else (a local file has no login). */
function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}
