/**
 * The Tiny Tiny RSS server the sync tests run against: .ci/ttrss-setup.sh installs and starts it (and the
 * test feed server on [::1]:80), and .ci/run sets BROADSHEET_TTRSS_URL. Under .ci/run (or with CI set)
 * a missing server FAILS the tests; run by hand without one, they skip, saying why.
 *
 * Each test makes its own user (straight into the server's database, as its admin screen would), so
 * tests share the server but never a subscription.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const TTRSS_URL = process.env.BROADSHEET_TTRSS_URL ?? 'http://127.0.0.1:8280/';
/** Where the feed server on [::1]:80 reads the feeds the tests write. */
export const FEEDS_DIR = process.env.BROADSHEET_TTRSS_FEEDS ?? '/var/tmp/broadsheet-ttrss/feeds';
export const FEEDS_BASE = 'http://[::1]/';
/** True when the tests must not skip: run by .ci/run, or in CI. */
export const REQUIRED = Boolean(process.env.BROADSHEET_TTRSS_URL || process.env.CI);

const DB_ENV = { ...process.env, PGPASSWORD: process.env.BROADSHEET_TTRSS_DB_PASSWORD ?? 'ttrss', PGOPTIONS: '-c client_min_messages=warning' };

/** Null when the server and the feed server answer; else why not. */
export async function serverProblem(): Promise<string | null> {
  try {
    const res = await fetch(`${TTRSS_URL}api/`, { method: 'POST', body: JSON.stringify({ op: 'getApiLevel' }), signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { status?: number };
    if (typeof body.status !== 'number') return `${TTRSS_URL} is not a Tiny Tiny RSS server`;
  } catch (error) {
    return `no Tiny Tiny RSS at ${TTRSS_URL} (${(error as Error).message}); run .ci/ttrss-setup.sh as root`;
  }
  try {
    const res = await fetch(`${FEEDS_BASE}.broadsheet-feeds`, { signal: AbortSignal.timeout(2000) });
    if (!(await res.text()).includes('broadsheet feed server')) return 'something else answers on http://[::1]:80/';
  } catch {
    return 'no feed server on http://[::1]:80/; run .ci/ttrss-setup.sh as root';
  }
  return null;
}

/** The reason to skip, printed; or null to run. Throws (fails the file) when the server is required. */
export async function skipReason(): Promise<string | null> {
  const problem = await serverProblem();
  if (problem && REQUIRED) throw new Error(`the sync tests need their server: ${problem}`);
  if (problem) process.stderr.write(`sync tests skipped: ${problem}\n`);
  return problem;
}

function sql(statement: string): string {
  return execFileSync('psql', ['-qtAX', '-h', '127.0.0.1', '-U', 'ttrss', 'ttrss', '-c', statement], { env: DB_ENV, encoding: 'utf8' }).trim();
}

/** Put the user's feed `url` in a category `title` (the API cannot create categories). */
export function setCategory(user: TestUser, url: string, title: string): void {
  const owner = `(SELECT id FROM ttrss_users WHERE login = '${user.login}')`;
  const quoted = `'${title.replace(/'/g, "''")}'`;
  sql(`INSERT INTO ttrss_feed_categories (owner_uid, title) VALUES (${owner}, ${quoted})`);
  sql(
    `UPDATE ttrss_feeds SET cat_id = (SELECT id FROM ttrss_feed_categories WHERE owner_uid = ${owner} AND title = ${quoted}) WHERE owner_uid = ${owner} AND feed_url = '${url.replace(/'/g, "''")}'`,
  );
}

export interface TestUser {
  login: string;
  password: string;
}

/** A new user on the server, with API access unless `api: false`. */
export function createUser(options: { api?: boolean } = {}): TestUser {
  const login = `bs_${crypto.randomBytes(5).toString('hex')}`;
  const password = crypto.randomBytes(9).toString('base64url');
  const salt = crypto.randomBytes(32).toString('hex');
  const hash = `MODE2:${crypto
    .createHash('sha256')
    .update(salt + password)
    .digest('hex')}`;
  const uid = sql(`INSERT INTO ttrss_users (login, pwd_hash, salt, access_level, created) VALUES ('${login}', '${hash}', '${salt}', 0, NOW()) RETURNING id`);
  if (options.api !== false)
    sql(`INSERT INTO ttrss_user_prefs (owner_uid, pref_name, value) VALUES (${Number.parseInt(uid, 10)}, 'ENABLE_API_ACCESS', 'true')`);
  return { login, password };
}

/** A home whose settings sync with the server as `user` (the password from a file, by passwordCommand). */
export function syncHome(dir: string, user: TestUser, extra: Record<string, unknown> = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  const secret = path.join(dir, 'password');
  fs.writeFileSync(secret, `${user.password}\n`, { mode: 0o600 });
  const settings = { sync: { type: 'ttrss', url: TTRSS_URL, user: user.login, passwordCommand: `cat ${secret}` }, refreshOnStart: false, ...extra };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(settings, null, 2));
  return dir;
}

export interface FeedItem {
  guid: string;
  title: string;
  body?: string;
  link?: string;
  comments?: string;
  published?: Date;
}

/** Write (or rewrite) a feed the server fetches from [::1]:80; returns its URL. */
export function writeFeed(name: string, title: string, items: FeedItem[]): string {
  fs.mkdirSync(FEEDS_DIR, { recursive: true });
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>${esc(title)}</title><link>http://example.org/${name}/</link><description>test</description>
${items
  .map(
    (item, i) => `<item><title>${esc(item.title)}</title><guid isPermaLink="false">${esc(item.guid)}</guid>
<link>${esc(item.link ?? `http://example.org/${name}/${i}`)}</link>${item.comments ? `<comments>${esc(item.comments)}</comments>` : ''}
<pubDate>${(item.published ?? new Date(Date.UTC(2026, 0, 1) + i * 3600_000)).toUTCString()}</pubDate>
<description>${esc(item.body ?? `<p>${item.title}</p>`)}</description></item>`,
  )
  .join('\n')}
</channel></rss>`;
  const file = path.join(FEEDS_DIR, `${name}.xml`);
  fs.writeFileSync(`${file}.tmp`, xml);
  fs.renameSync(`${file}.tmp`, file);
  return `${FEEDS_BASE}${name}.xml`;
}

/** A plain client for the tests' own look at the server (not the one under test). */
export class TestApi {
  private sid: string | null = null;
  constructor(private user: TestUser) {}

  async call(op: string, params: Record<string, unknown> = {}): Promise<unknown> {
    if (!this.sid) {
      const login = await this.post({ op: 'login', user: this.user.login, password: this.user.password });
      if (login.status !== 0) throw new Error(`test login failed: ${JSON.stringify(login.content)}`);
      this.sid = (login.content as { session_id: string }).session_id;
    }
    const answer = await this.post({ ...params, op, sid: this.sid });
    if (answer.status !== 0) throw new Error(`${op} failed: ${JSON.stringify(answer.content)}`);
    return answer.content;
  }

  private async post(body: Record<string, unknown>): Promise<{ status: number; content: unknown }> {
    const res = await fetch(`${TTRSS_URL}api/`, { method: 'POST', headers: { 'user-agent': 'broadsheet-tests' }, body: JSON.stringify(body) });
    return (await res.json()) as { status: number; content: unknown };
  }

  /** Subscribe and have the server fetch the feed now; returns the server's feed id. */
  async subscribe(url: string): Promise<number> {
    const answer = (await this.call('subscribeToFeed', { feed_url: url })) as { status: { code: number; feed_id: number } };
    if (answer.status.code !== 1 && answer.status.code !== 0) throw new Error(`subscribe ${url}: code ${answer.status.code}`);
    await this.call('updateFeed', { feed_id: answer.status.feed_id });
    return answer.status.feed_id;
  }

  /** Every article of the user with its state, by the server's own id. */
  async headlines(): Promise<Map<number, { unread: boolean; marked: boolean; title: string; feedId: number }>> {
    const all = new Map<number, { unread: boolean; marked: boolean; title: string; feedId: number }>();
    for (let skip = 0; ; skip += 200) {
      const rows = (await this.call('getHeadlines', { feed_id: -4, view_mode: 'all_articles', limit: 200, skip })) as {
        id: number;
        unread: boolean;
        marked: boolean;
        title: string;
        feed_id: number;
      }[];
      for (const r of rows) all.set(r.id, { unread: r.unread, marked: r.marked, title: r.title, feedId: Number(r.feed_id) });
      if (rows.length < 200) return all;
    }
  }
}
