/**
 * Opening a connection to the cache: the checks that turn a read-only folder or a file that is not a
 * cache into one clear line (CacheOpenError), the pragmas of the durability recipe (WAL, synchronous=NORMAL,
 * busy_timeout, foreign keys), the migrations, and statement caching.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, TIME_ORDER_INDEXES } from './schema.js';
import { registerSearchFunctions } from './search.js';

/** The cache file cannot be opened for writing (a read-only folder, a file that is not a database). */
export class CacheOpenError extends Error {}

export interface ConnectionOptions {
  readonly?: boolean;
  /**
   * False for parse workers: SQLite would copy the log into the database inside a commit, holding the
   * other workers' write lock (write-lock.ts); they call Store.checkpoint() outside it instead.
   */
  autoCheckpoint?: boolean;
  /** Build the list indexes a killed bulk load left dropped (not from a worker of a running load). */
  restoreIndexes: boolean;
}

/** Open (and create or migrate) the cache. Throws CacheOpenError, one line naming the file. */
export function openConnection(file: string, options: ConnectionOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (file !== ':memory:' && !options.readonly) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Reading needs writing too (WAL side files, read marks): find out now, not at the first keypress.
      fs.accessSync(path.dirname(file), fs.constants.W_OK);
      if (fs.existsSync(file)) fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
    }
    db = new Database(file, { readonly: options.readonly ?? false });
    cacheStatements(db);
    registerSearchFunctions(db);
    db.pragma('busy_timeout = 5000');
    // Only a file with no tables yet can take it; retention then gives removed articles' space back to
    // the file system a step at a time (store/retention.ts), where a cache without it never shrinks.
    if (!options.readonly && (db.pragma('page_count', { simple: true }) as number) === 0) db.pragma('auto_vacuum = INCREMENTAL');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      if (options.autoCheckpoint === false) db.pragma('wal_autocheckpoint = 0');
    }
    db.pragma('foreign_keys = ON');
    if (!options.readonly) migrate(db);
    if (options.restoreIndexes && !hasTimeOrderIndexes(db)) db.exec(TIME_ORDER_INDEXES);
    return db;
  } catch (error) {
    db?.close();
    throw new CacheOpenError(`${file}: ${cacheProblem(error)}`);
  }
}

function hasTimeOrderIndexes(db: Database.Database): boolean {
  const row = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name IN ('articles_by_time', 'articles_unread_by_time')`).get() as {
    n: number;
  };
  return row.n === 2;
}

function cacheProblem(error: unknown): string {
  const e = error as { code?: string; message?: string };
  if (e.code === 'EROFS' || e.code === 'SQLITE_READONLY' || /readonly/i.test(e.code ?? '')) return 'the cache is on a read-only file system or folder';
  if (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'SQLITE_CANTOPEN') return 'cannot write the cache here (permission denied or read-only folder)';
  if (e.code === 'SQLITE_NOTADB' || e.code === 'SQLITE_CORRUPT')
    return 'not a Broadsheet cache (not a SQLite database, or damaged); move it aside to start a new one';
  return String(e.message ?? error).split('\n')[0]!;
}

/**
 * Prepare each SQL text once per connection: a refresh runs the same few statements tens of
 * thousands of times, and preparing them anew each time cost more than running them.
 */
function cacheStatements(db: Database.Database): void {
  const prepare = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= 500) statements.clear();
      statement = prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  }) as typeof db.prepare;
}
