/**
 * Event-loop delay probe, loaded into the reader with NODE_OPTIONS=--import=/abs/path/eld-probe.mjs
 * and BENCH_ELD_FILE=FILE. Appends JSON lines to FILE:
 *   {"anchor":{"epochMs","monoUs"}}      the epoch and the monotonic clock (the one V8's CPU profiles
 *                                        use) at the same moment, to map profile samples to the trace
 *   {"window":{...}}                     every second: delay over the last second
 *   {"phase":{...}}                      when BENCH_ELD_CONTROL (a file) changes, and at exit: delay since
 *                                        the previous mark, labelled with the file's text. Not a signal:
 *                                        signal-exit (Ink's) treats SIGUSR2 as fatal when it counts only
 *                                        its own listeners, runs Ink's exit handlers and re-raises it.
 *   {"gcMemory":{...}}                   after a mark labelled "gc…" in a reader run with --expose-gc: a
 *                                        full collection, then process.memoryUsage() (what is really kept)
 * Each record: {from, to (epoch ms), count, min, mean, p50, p99, max (ms)}; phases also carry
 * process.memoryUsage() in MB. perf_hooks'
 * monitorEventLoopDelay({resolution: 10}) records the whole timer interval, so an idle loop reads
 * about 10 ms and a 100 ms block reads about 110 ms.
 */
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

// Worker threads inherit NODE_OPTIONS and load this module too: only the main thread is probed.
const file = isMainThread ? process.env.BENCH_ELD_FILE : undefined;
if (file) {
  const RESOLUTION = 10;
  const epoch = () => performance.timeOrigin + performance.now();
  const write = (record) => {
    try {
      fs.appendFileSync(file, JSON.stringify(record) + '\n');
    } catch {}
  };
  const snapshot = (h, from) => ({
    from,
    to: epoch(),
    count: h.count,
    min: h.count ? h.min / 1e6 : null,
    mean: h.count ? h.mean / 1e6 : null,
    p50: h.count ? h.percentile(50) / 1e6 : null,
    p99: h.count ? h.percentile(99) / 1e6 : null,
    max: h.count ? h.max / 1e6 : null,
  });
  write({ anchor: { epochMs: epoch(), monoUs: Number(process.hrtime.bigint() / 1000n) }, pid: process.pid, resolution: RESOLUTION });

  const phase = monitorEventLoopDelay({ resolution: RESOLUTION });
  const window = monitorEventLoopDelay({ resolution: RESOLUTION });
  phase.enable();
  window.enable();
  let phaseFrom = epoch();
  let windowFrom = phaseFrom;
  let phaseNo = 0;

  const flushWindow = () => {
    write({ window: snapshot(window, windowFrom) });
    window.reset();
    windowFrom = epoch();
  };
  const memoryNow = () => {
    const m = process.memoryUsage();
    const mb = (v) => Math.round(v / 1e5) / 10;
    return { rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) };
  };
  const markPhase = (why) => {
    write({ phase: { n: phaseNo++, why, ...snapshot(phase, phaseFrom), memory: memoryNow() } });
    phase.reset();
    phaseFrom = epoch();
    // Windows restart at each mark, so no window straddles two phases.
    flushWindow();
    // A mark labelled "gc…" (with --expose-gc): a full collection, then {"gcMemory"}: what is really kept.
    // The collection's own pause is wiped from the histograms 50 ms later, so no phase counts it.
    if (why.startsWith('gc') && typeof globalThis.gc === 'function') {
      globalThis.gc();
      write({ gcMemory: { why, ...memoryNow() } });
      setTimeout(() => {
        phase.reset();
        window.reset();
        phaseFrom = epoch();
        windowFrom = phaseFrom;
      }, 50).unref();
    }
  };
  const timer = setInterval(() => {
    if (epoch() - windowFrom >= 900) flushWindow();
  }, 1000);
  timer.unref();
  const control = process.env.BENCH_ELD_CONTROL;
  if (control) {
    let seen = 0;
    const poll = setInterval(() => {
      try {
        const st = fs.statSync(control);
        if (st.mtimeMs !== seen) {
          seen = st.mtimeMs;
          markPhase(fs.readFileSync(control, 'utf8').trim() || 'mark');
        }
      } catch {}
    }, 20);
    poll.unref();
  }
  process.on('exit', () => {
    clearInterval(timer);
    markPhase('exit');
  });
}
