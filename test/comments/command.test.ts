/** `broadsheet comments URL` for each kind of platform thread: the built CLI against loopback servers. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTML_PAGE, UNSAFE, blueskyRoutes, discourseRoutes, lemmyRoutes, mastodonRoutes } from './platform-fixtures.js';
import { startServer, type TestServer } from './server.js';
import { CLI, runCli } from '../support/run-cli.js';

let server: TestServer;
let home = '';

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error('build first: node source/scripts/build.mjs (npm test does)');
  server = await startServer({
    ...mastodonRoutes(),
    ...blueskyRoutes(),
    ...discourseRoutes(),
    ...lemmyRoutes(),
    '/blog/@writer/5': HTML_PAGE,
    '/api/v1/statuses/5': HTML_PAGE,
  });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cli-fedi-'));
  fs.writeFileSync(
    path.join(home, 'config.json'),
    JSON.stringify({ feeds: [], sources: { bluesky: { api: `${server.base}/bsky`, web: `${server.base}/bsky-web` } } }),
  );
});
afterAll(async () => {
  await server.close();
  fs.rmSync(home, { recursive: true, force: true });
});

const run = (args: string[]) => runCli(home, args);

describe('broadsheet comments URL', () => {
  it.each([
    ['mastodon', '/@alice/100', 33],
    ['bluesky', '/bsky-web/profile/alice.example/post/root1', 44],
    ['discourse', '/forum/t/feeds-are-back/77', 41],
    ['lemmy', '/post/9', 12],
  ])('%s: --json and plain text', async (source, urlPath, total) => {
    const json = await run(['comments', `${server.base}${urlPath}`, '--json']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const d = JSON.parse(json.stdout);
    expect(d).toMatchObject({ source, total });
    expect(d.comments.length).toBeGreaterThan(0);
    const plain = await run(['comments', `${server.base}${urlPath}`]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`${total} comments`);
    expect(json.stdout + plain.stdout).not.toMatch(UNSAFE);
  });

  it('a URL of the shape on a host that answers HTML: exit 1, one line naming it', async () => {
    const r = await run(['comments', `${server.base}/@writer/5`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`broadsheet: ${server.base}/@writer/5: no Mastodon discussion here: the server answered HTML, not its API\n`);
  });
});
