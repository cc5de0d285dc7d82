/**
 * The feed farm as a process of its own (for the benchmarks: the farm must not share a CPU thread with
 * the program being measured). Run through tsx:
 *
 *   node --import tsx test/support/farm/cli.ts [options]        serve until --ttl, SIGINT or SIGTERM
 *   node --import tsx test/support/farm/cli.ts --emit FILE [--emit-mb N]   write one big feed, exit
 *
 * Serving writes urls (newsboat), feeds.opml and manifest.json into --out, then prints one JSON line
 * {"ready":true,"base":...,"port":...,"feeds":...} on stdout; scripts wait for it. On the way out it
 * prints its counters as one JSON line {"farmStats":{...}} on stderr.
 *
 * Options (--name value or --name=value):
 *   --feeds N (50)  --items N (30)  --seed N (100)  --body-bytes N (2000)
 *   --latency-ms N (0)  --jitter-ms N (0)  --churn-sec S (0)  --churn-share F (0.1)
 *   --faults  --hostile  --faults-each N (1)  --huge-mib N (256)
 *   --no-quirks  --no-gzip  --validators both|etag|last-modified|none
 *   --port N (0: any free port; always 127.0.0.1)  --out DIR (.)  --ttl S (600)
 */
import path from 'node:path';
import { writeBigFeed } from './big-feed.js';
import { startFarm, type FarmOptions } from './server.js';

const NUMBERS: Record<string, keyof FarmOptions | 'ttl' | 'emitMb'> = {
  feeds: 'feeds',
  items: 'items',
  seed: 'seed',
  'body-bytes': 'bodyBytes',
  'latency-ms': 'latencyMs',
  'jitter-ms': 'jitterMs',
  'churn-sec': 'churnSeconds',
  'churn-share': 'churnShare',
  'faults-each': 'faultsEach',
  'huge-mib': 'hugeMiB',
  port: 'port',
  ttl: 'ttl',
  'emit-mb': 'emitMb',
};
const SWITCHES: Record<string, [keyof FarmOptions, boolean]> = {
  faults: ['faults', true],
  hostile: ['hostile', true],
  'no-quirks': ['quirks', false],
  'no-gzip': ['gzip', false],
};

function fail(message: string): never {
  process.stderr.write(`farm: ${message}\n`);
  process.exit(2);
}

function parse(argv: string[]) {
  const farm: Record<string, unknown> = {};
  const run = { out: '.', ttl: 600, emit: '', emitMb: 5 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) fail(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const value = () => (eq < 0 ? argv[++i] : arg.slice(eq + 1)) ?? fail(`--${name} needs a value`);
    if (SWITCHES[name]) {
      const [key, on] = SWITCHES[name]!;
      farm[key] = on;
    } else if (NUMBERS[name]) {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0) fail(`--${name} wants a number >= 0`);
      if (NUMBERS[name] === 'ttl' || NUMBERS[name] === 'emitMb') run[NUMBERS[name] as 'ttl' | 'emitMb'] = n;
      else farm[NUMBERS[name]!] = n;
    } else if (name === 'validators') {
      const v = value();
      if (!['both', 'etag', 'last-modified', 'none'].includes(v)) fail('--validators: both, etag, last-modified or none');
      farm.validators = v;
    } else if (name === 'out') run.out = value();
    else if (name === 'emit') run.emit = value();
    else fail(`unknown option --${name} (see the comment at the top of ${path.basename(process.argv[1] ?? 'cli.ts')})`);
  }
  return { farm: farm as FarmOptions, ...run };
}

const args = parse(process.argv.slice(2));
if (args.emit) {
  const big = writeBigFeed(args.emit, { megabytes: args.emitMb, seed: args.farm.seed, bodyBytes: args.farm.bodyBytes });
  process.stdout.write(JSON.stringify({ ...big, format: 'rss' }) + '\n');
} else {
  const farm = await startFarm(args.farm);
  const files = farm.writeLists(path.resolve(args.out));
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    const { inFlight: _inFlight, sockets: _sockets, ...counters } = farm.counters;
    process.stderr.write(JSON.stringify({ farmStats: { ...counters, reason } }) + '\n');
    await farm.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  setTimeout(() => void stop('ttl'), Math.min(args.ttl, 86_400) * 1000);
  process.stdout.write(
    JSON.stringify({
      ready: true,
      base: farm.url,
      port: farm.port,
      feeds: farm.feeds.length,
      items: args.farm.items ?? 30,
      bytes: farm.bytes,
      formats: farm.formats,
      faulty: farm.faulty,
      files: Object.values(files),
    }) + '\n',
  );
}
