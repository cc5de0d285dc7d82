#!/usr/bin/env node
/**
 * Entry point: parse the command line, run one headless command or start the reader.
 * Every failure ends as one line on stderr and an exit code (0 ok, 1 work failed, 2 bad usage or settings).
 */
import { parseArgs } from './commands/args.js';
import { createContext, streamOutput, UsageError, type Context } from './commands/context.js';
import { withoutUserinfoIn } from './core/feed-auth.js';
import { SettingsError } from './core/settings.js';
import { CacheOpenError } from './core/store.js';
import { VERSION } from './core/version.js';

const HELP = `broadsheet ${VERSION} — a terminal news reader that shows each article's discussion

usage: broadsheet [--home DIR]                 open the reader (needs a terminal)
       broadsheet [--home DIR] COMMAND [...]

commands:
  refresh [--json]                  fetch every feed; failed feeds are listed, the rest are saved
  sync [--json]                     send marks to the sync server, bring its feeds, articles and states
  feed URL [--json]                 fetch and show one feed without subscribing
  page URL [--json]                 the readable text of one web page (its article, as full text shows it)
  comments URL [--json]             show a discussion: a comment feed, a cached article, or an
                                    HN / Reddit / Lobsters / Mastodon / Bluesky / Discourse /
                                    Lemmy thread URL
  discussions URL [--json]          every discussion of an article: its own comments, and where
                                    Hacker News, Reddit and Lobsters say it was submitted (asks them)
  articles [--unread] [--starred] [--feed URL] [--tag T] [--search QUERY] [--limit N] [--json]
                                    list cached articles, newest first; with --search, those
                                    whose title or text match, best match first
  mark read|unread|star|unstar ID...  change an article's state (ids from 'articles')
  add URL [--tag T]                 check a feed and subscribe to it
  remove URL                        unsubscribe (cached articles and their state are kept)
  import FILE.opml                  subscribe to every feed in an OPML file
  export                            print the subscriptions as OPML

options:
  --home DIR     keep config.json and cache.db in DIR (also: BROADSHEET_HOME)
  -h, --help     this help
  -v, --version  the version

With no settings file, Broadsheet reads the bundled demo feeds. Exit codes: 0 success,
1 the work failed (a feed could not be fetched or parsed), 2 bad usage or bad settings.
`;

type Command = {
  flags: Record<string, 'boolean' | 'value'>;
  run: (ctx: Context, args: ReturnType<typeof parseArgs>) => number | Promise<number>;
};

const COMMANDS: Record<string, Command> = {
  refresh: { flags: { json: 'boolean' }, run: async (c, a) => (await import('./commands/refresh.js')).refreshCommand(c, a) },
  sync: { flags: { json: 'boolean' }, run: async (c, a) => (await import('./commands/sync.js')).syncCommand(c, a) },
  feed: { flags: { json: 'boolean' }, run: async (c, a) => (await import('./commands/feed.js')).feedCommand(c, a) },
  articles: {
    flags: { unread: 'boolean', starred: 'boolean', json: 'boolean', feed: 'value', tag: 'value', limit: 'value', search: 'value' },
    run: async (c, a) => (await import('./commands/articles.js')).articlesCommand(c, a),
  },
  mark: { flags: {}, run: async (c, a) => (await import('./commands/mark.js')).markCommand(c, a) },
  add: { flags: { tag: 'value' }, run: async (c, a) => (await import('./commands/subscriptions.js')).addCommand(c, a) },
  remove: { flags: {}, run: async (c, a) => (await import('./commands/subscriptions.js')).removeCommand(c, a) },
  import: { flags: {}, run: async (c, a) => (await import('./commands/subscriptions.js')).importCommand(c, a) },
  export: { flags: {}, run: async (c) => (await import('./commands/subscriptions.js')).exportCommand(c) },
  comments: { flags: { json: 'boolean' }, run: async (c, a) => (await import('./commands/comments.js')).commentsCommand(c, a) },
  page: { flags: { json: 'boolean' }, run: async (c, a) => (await import('./commands/page.js')).pageCommand(c, a) },
  discussions: { flags: { json: 'boolean' }, run: async (c, a) => (await import('./commands/discussions.js')).discussionsCommand(c, a) },
};

// `broadsheet articles | head`: the reader of our output went away; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

export async function main(argv: string[]): Promise<number> {
  const err = streamOutput(process.stderr);
  const out = streamOutput(process.stdout);
  let ctx: Context | undefined;
  try {
    // Global options come before the command; --home may also follow it.
    const global = parseArgs(argv, { home: 'value', help: 'boolean', h: 'boolean', version: 'boolean', v: 'boolean', ...allCommandFlags() });
    if (global.flags.help || global.flags.h) {
      out.write(HELP);
      return 0;
    }
    if (global.flags.version || global.flags.v) {
      out.write(`${VERSION}\n`);
      return 0;
    }
    const [name, ...rest] = global.positional;
    const home = typeof global.flags.home === 'string' ? global.flags.home : undefined;
    if (name === undefined) {
      const { startReader } = await import('./ui/start.js');
      return await startReader(home);
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command '${name}' (try broadsheet --help)`);
    const args = parseArgs(stripHome(argv).slice(stripHome(argv).indexOf(name) + 1), command.flags);
    void rest;
    ctx = createContext(home, out, err);
    return await command.run(ctx, args);
  } catch (error) {
    if (error instanceof UsageError || error instanceof SettingsError || error instanceof CacheOpenError) {
      err.write(`broadsheet: ${withoutUserinfoIn(error.message)}\n`);
      return 2;
    }
    const e = error as Error;
    err.write(`broadsheet: ${withoutUserinfoIn(String(e?.message ?? error).split('\n')[0]!)}\n`);
    if (process.env.BROADSHEET_DEBUG) process.stderr.write(`${e?.stack}\n`);
    return 1;
  } finally {
    ctx?.close();
  }
}

function allCommandFlags(): Record<string, 'boolean' | 'value'> {
  return Object.assign({}, ...Object.values(COMMANDS).map((c) => c.flags));
}

/** argv without `--home DIR` / `--home=DIR`, wherever it stands. */
function stripHome(argv: string[]): string[] {
  const result: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--home') i++;
    else if (!argv[i]!.startsWith('--home=')) result.push(argv[i]!);
  }
  return result;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`broadsheet: ${withoutUserinfoIn(String((error as Error)?.message ?? error).split('\n')[0]!)}\n`);
    process.exitCode = 1;
  },
);
