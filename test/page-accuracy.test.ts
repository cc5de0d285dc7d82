/**
 * Extraction accuracy on a handful of real pages of the article-extraction corpus, scored as the
 * benchmark scores (source/bench/shingles.mjs), through the same path as `broadsheet page`: served on
 * loopback (gzipped, as crawled), fetched, extracted, rendered to plain text. The whole corpus is
 * `npm run bench -- --only fulltext`; this only makes a regression fail. The floors are the figures
 * measured when this was written, less a margin for an upgrade's small shifts.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAgents } from '../source/core/http.js';
import { readPage } from '../source/core/page.js';
import { corpusScore, pageF1, pageScore, type PageScore } from '../source/bench/shingles.mjs';
import { startPageServer, type PageServer } from './support/page-server.js';

const DIR = path.resolve(import.meta.dirname, 'fixtures/article-extraction');
const truth = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(DIR, 'ground-truth.json.gz'))).toString('utf8')) as Record<
  string,
  { url: string; articleBody: string }
>;

/** [page's name prefix, its F1 when measured]: news, blogs, a health site, science, paywall-ish markup. */
const PAGES: [string, number][] = [
  ['c7e39ac49fa1', 0.916], // www.bbc.com
  ['16c30add7e96', 0.968], // www.vox.com
  ['8380689f358c', 0.972], // www.snopes.com
  ['c00962aabe7b', 0.981], // www.thespacereview.com
  ['e593d7fe88f9', 1.0], // www.healthline.com
  ['3d8f3404cf97', 0.99], // www.indiewire.com
  ['ac3c03552046', 0.897], // blog.givewell.org
  ['e1c7023ee214', 0.831], // phys.org
];
const MARGIN = 0.03;

const names = PAGES.map(([prefix]) => {
  const name = Object.keys(truth).find((n) => n.startsWith(prefix));
  if (!name) throw new Error(`no corpus page ${prefix}`);
  return name;
});

let server: PageServer;
beforeAll(async () => {
  server = await startPageServer(
    Object.fromEntries(
      names.map((name) => [
        `/${name}`,
        { headers: { 'content-type': 'text/html', 'content-encoding': 'gzip' }, body: fs.readFileSync(path.join(DIR, 'html', `${name}.html.gz`)) },
      ]),
    ),
  );
});
afterAll(async () => {
  closeAgents();
  await server.close();
});

describe('extraction accuracy on corpus pages', () => {
  it('keeps each page within a margin of its measured F1, and the set at 0.94 or better', async () => {
    const scores: PageScore[] = [];
    for (const [i, name] of names.entries()) {
      const page = await readPage(`${server.base}/${name}`, { timeoutSeconds: 10, pageMaxBytes: 5 * 1024 * 1024 });
      const score = pageScore(truth[name]!.articleBody, page.text);
      scores.push(score);
      expect(pageF1(score), `F1 of ${name} (${truth[name]!.url})`).toBeGreaterThanOrEqual(PAGES[i]![1] - MARGIN);
    }
    const { f1, precision, recall } = corpusScore(scores);
    expect(f1).toBeGreaterThanOrEqual(0.94);
    expect(precision).toBeGreaterThan(0.9);
    expect(recall).toBeGreaterThan(0.95);
  });
});
