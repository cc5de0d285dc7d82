#!/usr/bin/env node
/**
 * Parse throughput (MB/s of decoded feed text) of parseFeedDetailed, with its fast first pass
 * (parse/fast-tree.ts) and without it: the strict pipeline as it was before that pass, i.e.
 * normalizeTree(parseXmlWithRepair(text).root). Also the tree build alone: parseXmlFast vs parseXml
 * (xml2js over sax). Two inputs: a few hundred feeds of the project's farm (test/support/farm/, fetched
 * once from a private farm on loopback, then parsed in-process) and one big feed from its `--emit`.
 *
 * The source is bundled with esbuild first (as the reader ships it), into a temporary folder.
 * Not part of run.mjs: a single-threaded microbenchmark, about half a minute.
 *
 * Usage: node source/bench/parse-speed.mjs [--feeds 300] [--items 30] [--huge-mb 20] [--rounds 5]
 *        [--farm PATH] [--cpu-prof DIR]   (--cpu-prof: also write a profile of the fast pipeline)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, bundleCore, eachOption, emitBigFeed, median, resolveFarm, startFarm } from './lib.mjs';

const root = path.resolve(BENCH_DIR, '../..');
const opts = { feeds: 300, items: 30, hugeMb: 20, rounds: 5, farm: undefined, cpuProf: undefined };
eachOption(process.argv.slice(2), (key, { value, int }) => {
  if (key === '--feeds') opts.feeds = int();
  else if (key === '--items') opts.items = int();
  else if (key === '--huge-mb') opts.hugeMb = int();
  else if (key === '--rounds') opts.rounds = int();
  else if (key === '--farm') opts.farm = value();
  else if (key === '--cpu-prof') opts.cpuProf = value();
  else throw new Error(`unknown option ${key}`);
});
const log = (line) => process.stderr.write(`${line}\n`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-parse-speed-'));

try {
  const parse = await bundleParser();
  const farmPath = resolveFarm(root, opts.farm);
  const feeds = await farmFeeds(farmPath, parse);
  const huge = hugeFeed(farmPath, parse);
  const URL_ = 'https://feeds.example.org/feed.xml';
  const pipelines = {
    'parseFeedDetailed, fast pass': (text) => parse.parseFeedDetailed(text, URL_),
    'strict pipeline (before)': (text) => parse.normalizeTree(parse.parseXmlWithRepair(text).root, URL_),
    'tree only: parseXmlFast': (text) => parse.parseXmlFast(text),
    'tree only: parseXml (xml2js)': (text) => parse.parseXml(text),
  };
  const rows = [];
  for (const [label, texts] of [
    [`${feeds.length} farm feeds`, feeds],
    [`one ${opts.hugeMb} MB feed`, [huge]],
  ]) {
    const mb = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0) / 1e6;
    const times = Object.fromEntries(Object.keys(pipelines).map((name) => [name, []]));
    // Rounds interleave the pipelines, so drift (other load, CPU clocks) touches all of them alike.
    for (let round = 0; round <= opts.rounds; round++) {
      for (const [name, run] of Object.entries(pipelines)) {
        const started = performance.now();
        for (const text of texts) run(text);
        if (round > 0) times[name].push(performance.now() - started); // round 0 warms up
      }
    }
    for (const [name, ms] of Object.entries(times)) {
      const m = median(ms);
      rows.push({ input: `${label} (${mb.toFixed(1)} MB)`, pipeline: name, 'median ms': Math.round(m), 'MB/s': +(mb / (m / 1000)).toFixed(1) });
    }
  }
  console.table(rows);
  if (opts.cpuProf) profileFastPipeline(feeds, huge);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

/** The parse modules bundled as the reader ships them (esbuild, ESM, node20). */
async function bundleParser() {
  const outfile = path.join(tmp, 'parse.mjs');
  await bundleCore(root, outfile, [
    "export { parseFeedDetailed, normalizeTree } from './source/core/parse.ts';",
    "export { parseXmlWithRepair } from './source/core/parse/repair.ts';",
    "export { parseXml } from './source/core/parse/rss-parser.ts';",
    "export { parseXmlFast } from './source/core/parse/fast-tree.ts';",
    "export { decodeFeedBytes } from './source/core/charset.ts';",
  ]);
  return import(pathToFileURL(outfile).href);
}

/** Every feed of a fresh farm, fetched once and decoded as the reader decodes it. */
async function farmFeeds(farmPath, parse) {
  const farm = await startFarm(farmPath, { feeds: opts.feeds, items: opts.items, ttl: 300, out: path.join(tmp, 'farm'), log });
  try {
    const urls = fs
      .readFileSync(farm.urlsFile, 'utf8')
      .split('\n')
      .map((l) => l.split(/\s+/)[0])
      .filter((u) => u.startsWith('http'));
    const texts = [];
    for (const url of urls) {
      const res = await fetch(url);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (res.ok) texts.push(parse.decodeFeedBytes(bytes, res.headers.get('content-type')));
    }
    return texts;
  } finally {
    await farm.stop();
  }
}

function hugeFeed(farmPath, parse) {
  const file = path.join(tmp, 'huge.xml');
  emitBigFeed(farmPath, file, opts.hugeMb);
  return parse.decodeFeedBytes(fs.readFileSync(file), 'application/rss+xml; charset=utf-8');
}

/** Re-run the fast pipeline under --cpu-prof in a child, on the same inputs written to files. */
function profileFastPipeline(feeds, huge) {
  fs.mkdirSync(opts.cpuProf, { recursive: true });
  fs.writeFileSync(path.join(tmp, 'inputs.json'), JSON.stringify({ feeds, huge }));
  const script = `
    const parse = await import(${JSON.stringify(pathToFileURL(path.join(tmp, 'parse.mjs')).href)});
    const { feeds, huge } = JSON.parse((await import('node:fs')).readFileSync(${JSON.stringify(path.join(tmp, 'inputs.json'))}, 'utf8'));
    for (let i = 0; i < ${opts.rounds}; i++) { for (const t of feeds) parse.parseFeedDetailed(t, 'https://x.example/'); parse.parseFeedDetailed(huge, 'https://x.example/'); }`;
  const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', opts.cpuProf, '--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`profile run failed: ${r.stderr}`);
  log(`profile written to ${opts.cpuProf}; summarize with: node source/bench/cpuprofile.mjs ${opts.cpuProf}/*.cpuprofile`);
}
