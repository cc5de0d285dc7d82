/**
 * Sync with Tiny Tiny RSS: a first sync of 200 feeds x 50 articles, a sync after 1% of the articles
 * changed state on the server, a sync with nothing new, and pushing 1,000 marks; wall time (the built
 * CLI, process start included) and requests for each, Broadsheet's own count beside the server's log.
 * Then newsboat's ttrss mode (`newsboat -x reload`) on the same server and user, where it can run.
 *
 * Needs the server of .ci/ttrss-setup.sh (run it as root first) and its feed server on [::1]:80.
 */
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eachOption, runAsScript, which } from './lib.mjs';

export const description = 'sync with Tiny Tiny RSS: first sync 200x50, 1% changed, no change, 1,000 marks pushed; time and requests, beside newsboat';
export const usage = '--sync-feeds N (200)  --sync-articles N (50 per feed)  --keep';

const TTRSS = process.env.BROADSHEET_TTRSS_URL ?? 'http://127.0.0.1:8280/';
const FEEDS_DIR = process.env.BROADSHEET_TTRSS_FEEDS ?? '/var/tmp/broadsheet-ttrss/feeds';
const PHP_LOG = '/var/tmp/broadsheet-ttrss/php.log';
const DB_ENV = { ...process.env, PGPASSWORD: 'ttrss', PGOPTIONS: '-c client_min_messages=warning' };

function parseOptions(argv) {
  const o = { feeds: 200, articles: 50, keep: false };
  eachOption(argv, (key, { int }) => {
    if (key === '--sync-feeds') o.feeds = int();
    else if (key === '--sync-articles') o.articles = int();
    else if (key === '--keep') o.keep = true;
  });
  return o;
}

/** Requests the PHP server has logged so far (one line per request). */
function serverRequests() {
  try {
    return (fs.readFileSync(PHP_LOG, 'utf8').match(/\[\d{3}\]: POST \/+api\//g) ?? []).length;
  } catch {
    return Number.NaN;
  }
}

async function api(sid, op, params = {}) {
  const res = await fetch(`${TTRSS}api/`, { method: 'POST', headers: { 'user-agent': 'broadsheet-bench' }, body: JSON.stringify({ ...params, op, sid }) });
  const body = await res.json();
  if (body.status !== 0) throw new Error(`${op}: ${JSON.stringify(body.content)}`);
  return body.content;
}

function createUser() {
  const login = `bench_${crypto.randomBytes(4).toString('hex')}`;
  const password = crypto.randomBytes(9).toString('base64url');
  const salt = crypto.randomBytes(32).toString('hex');
  const hash = `MODE2:${crypto
    .createHash('sha256')
    .update(salt + password)
    .digest('hex')}`;
  const sql = (q) => execFileSync('psql', ['-qtAX', '-h', '127.0.0.1', '-U', 'ttrss', 'ttrss', '-c', q], { env: DB_ENV, encoding: 'utf8' }).trim();
  const uid = sql(`INSERT INTO ttrss_users (login, pwd_hash, salt, access_level, created) VALUES ('${login}', '${hash}', '${salt}', 0, NOW()) RETURNING id`);
  sql(`INSERT INTO ttrss_user_prefs (owner_uid, pref_name, value) VALUES (${Number.parseInt(uid, 10)}, 'ENABLE_API_ACCESS', 'true')`);
  return { login, password };
}

function writeFeed(name, items) {
  const entries = Array.from(
    { length: items },
    (_, i) => `<item><title>${name} article ${i}</title><guid isPermaLink="false">${name}-${i}</guid><link>http://example.org/${name}/${i}</link>
<pubDate>${new Date(Date.UTC(2026, 0, 1) + i * 3600_000).toUTCString()}</pubDate><description>&lt;p&gt;${'Body text of a benchmark article. '.repeat(20)}&lt;/p&gt;</description></item>`,
  ).join('\n');
  fs.writeFileSync(
    path.join(FEEDS_DIR, `${name}.xml`),
    `<?xml version="1.0"?><rss version="2.0"><channel><title>${name}</title><link>http://example.org/${name}/</link>${entries}</channel></rss>`,
  );
  return `http://[::1]/${name}.xml`;
}

async function pool(items, width, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

function run1(file, args, env) {
  return new Promise((resolve) => {
    const started = performance.now();
    execFile(file, args, { env, maxBuffer: 64 << 20, timeout: 900_000 }, (error, stdout, stderr) =>
      resolve({ ms: performance.now() - started, error, stdout, stderr }),
    );
  });
}

export async function run({ log = (t) => process.stderr.write(`${t}\n`), argv = [], root = path.resolve(import.meta.dirname, '../..') } = {}) {
  const o = parseOptions(argv);
  try {
    await api(undefined, 'getApiLevel');
  } catch (error) {
    if (!String(error.message).startsWith('getApiLevel')) throw new Error(`no Tiny Tiny RSS at ${TTRSS} (run .ci/ttrss-setup.sh as root)`);
  }
  const cli = path.join(root, '.build/cli.mjs');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-bench-sync-'));
  const user = createUser();
  const login = await api(undefined, 'login', { user: user.login, password: user.password });
  const sid = login.session_id;
  fs.mkdirSync(FEEDS_DIR, { recursive: true });
  log(`sync: ${o.feeds} feeds x ${o.articles} articles for ${user.login}; the server fetches them from [::1]:80`);
  const setupStart = performance.now();
  const names = Array.from({ length: o.feeds }, (_, i) => `${user.login}-${i}`);
  await pool(names, 4, async (name) => {
    const answer = await api(sid, 'subscribeToFeed', { feed_url: writeFeed(name, o.articles) });
    await api(sid, 'updateFeed', { feed_id: answer.status.feed_id });
  });
  log(`sync: the server fetched ${o.feeds} feeds in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

  const homeDir = path.join(work, 'home');
  fs.mkdirSync(homeDir);
  fs.writeFileSync(path.join(work, 'password'), `${user.password}\n`);
  fs.writeFileSync(
    path.join(homeDir, 'config.json'),
    JSON.stringify({ sync: { type: 'ttrss', url: TTRSS, user: user.login, passwordCommand: `cat ${path.join(work, 'password')}` } }),
  );
  const env = { ...process.env, BROADSHEET_HOME: homeDir };
  const rows = [];
  const broadsheet = async (label, extra = {}) => {
    const before = serverRequests();
    const r = await run1(process.execPath, [cli, 'sync', '--json'], env);
    if (r.error) throw new Error(`broadsheet sync: ${r.stderr.trim()}`);
    const summary = JSON.parse(r.stdout);
    const row = {
      table: 'sync',
      client: 'broadsheet',
      case: label,
      seconds: (r.ms / 1000).toFixed(2),
      requests: summary.requests,
      'server log': serverRequests() - before,
      added: summary.added,
      pushed: summary.pushed,
      changed: summary.stateChanges,
      ...extra,
    };
    log(`sync: broadsheet ${label}: ${row.seconds} s, ${row.requests} requests`);
    rows.push(row);
  };
  /** 1% of the articles change state on the server, as another client would change them. */
  const changeOnePercent = async () => {
    const all = [];
    for (let skip = 0; ; skip += 200) {
      const page = await api(sid, 'getHeadlines', { feed_id: -4, view_mode: 'all_articles', limit: 200, skip });
      all.push(...page.map((h) => h.id));
      if (page.length < 200) break;
    }
    const picked = all.filter((_, i) => i % 100 === 0);
    const half = Math.ceil(picked.length / 2);
    // Toggles: half change read state, half starred.
    await api(sid, 'updateArticle', { article_ids: picked.slice(0, half).join(','), field: 2, mode: 2 });
    if (picked.length > half) await api(sid, 'updateArticle', { article_ids: picked.slice(half).join(','), field: 0, mode: 2 });
    return picked.length;
  };

  await broadsheet(`first sync (${o.feeds * o.articles} articles)`);
  const changed = await changeOnePercent();
  await broadsheet(`${changed} changed on the server (1%)`);
  await broadsheet('nothing new');
  const unread = JSON.parse(
    execFileSync(process.execPath, [cli, 'articles', '--unread', '--json', '--limit', '1000'], { env, encoding: 'utf8', maxBuffer: 64 << 20 }),
  );
  execFileSync(process.execPath, [cli, 'mark', 'read', ...unread.map((a) => String(a.id))], { env });
  await broadsheet(`push ${unread.length} marks`);

  // newsboat's ttrss mode, same server, same user.
  const newsboat = which('newsboat');
  if (!newsboat) {
    rows.push({ table: 'sync', client: 'newsboat', case: 'not installed (apt-get install newsboat)' });
  } else {
    const nb = path.join(work, 'newsboat');
    fs.mkdirSync(nb);
    fs.writeFileSync(path.join(nb, 'urls'), '');
    fs.writeFileSync(
      path.join(nb, 'config'),
      `urls-source "ttrss"\nttrss-url "${TTRSS}"\nttrss-login "${user.login}"\nttrss-password "${user.password}"\nttrss-mode "multi"\n`,
    );
    const nbEnv = { ...process.env, HOME: nb, XDG_CONFIG_HOME: nb, XDG_DATA_HOME: nb };
    const reload = async (label) => {
      const before = serverRequests();
      const r = await run1(newsboat, ['-C', path.join(nb, 'config'), '-u', path.join(nb, 'urls'), '-c', path.join(nb, 'cache.db'), '-x', 'reload'], nbEnv);
      const row = { table: 'sync', client: 'newsboat', case: label, seconds: (r.ms / 1000).toFixed(2), requests: '', 'server log': serverRequests() - before };
      if (r.error)
        row.case += ` (failed: ${
          String(r.stderr || r.error.message)
            .trim()
            .split('\n')[0]
        })`;
      log(`sync: newsboat ${label}: ${row.seconds} s, ${row['server log']} requests`);
      rows.push(row);
    };
    await reload('first reload');
    const changedAgain = await changeOnePercent();
    await reload(`${changedAgain} changed on the server (1%)`);
    await reload('nothing new');
    rows.push({ table: 'sync', client: 'newsboat', case: 'push 1,000 marks: n/a (no headless way to mark)' });
  }
  if (!o.keep) fs.rmSync(work, { recursive: true, force: true });
  else log(`sync: kept ${work}`);
  return rows;
}

await runAsScript(import.meta.url, run);
