#!/usr/bin/env node
/**
 * Summarise V8 .cpuprofile files (from `node --cpu-prof`): self time per function and per module,
 * so a benchmark can say where the time goes without opening DevTools.
 * Library: summarizeCpuProfile(file) -> { totalMs, byFunction, byFile, categories }.
 * CLI:     node source/bench/cpuprofile.mjs [--top N] FILE.cpuprofile...
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Self time per node id from samples and timeDeltas (the honest way; hitCount ignores sample spacing). */
export function summarizeCpuProfile(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const selfUs = new Map();
  const { samples = [], timeDeltas = [] } = profile;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time since the previous sample; charge it to the sample that follows (as DevTools does).
    const dt = timeDeltas[i + 1] ?? 0;
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + Math.max(0, dt));
  }
  const byFunction = new Map();
  const byFile = new Map();
  const categories = { program: 0, gc: 0, idle: 0, js: 0, native: 0 };
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (!us) continue;
    total += us;
    const cf = node.callFrame;
    const name = cf.functionName || '(anonymous)';
    const file = cf.url ? shortUrl(cf.url) : '';
    if (name === '(idle)') categories.idle += us;
    else if (name === '(garbage collector)') categories.gc += us;
    else if (name === '(program)') categories.program += us;
    else if (!cf.url || cf.url.startsWith('node:')) categories.native += us;
    else categories.js += us;
    const key = `${name} ${file}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const fileKey = file || (name.startsWith('(') ? name : '(native)');
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
  }
  const sorted = (m) => [...m].map(([k, us]) => ({ name: k, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  return {
    file,
    totalMs: total / 1000,
    wallMs: (profile.endTime - profile.startTime) / 1000,
    byFunction: sorted(byFunction),
    byFile: sorted(byFile),
    categories: Object.fromEntries(Object.entries(categories).map(([k, v]) => [k, v / 1000])),
  };
}

function shortUrl(url) {
  if (url.startsWith('node:')) return url;
  const p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) return p.slice(nm + 'node_modules/'.length);
  return path.basename(p);
}

export function formatSummary(summary, top = 15) {
  const lines = [];
  const pct = (ms) => ((100 * ms) / Math.max(1, summary.totalMs)).toFixed(1).padStart(5) + '%';
  lines.push(`${path.basename(summary.file)}: ${summary.totalMs.toFixed(0)} ms sampled over ${summary.wallMs.toFixed(0)} ms`);
  lines.push(
    '  ' +
      Object.entries(summary.categories)
        .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
        .join(', '),
  );
  lines.push('  top self time by function:');
  for (const f of summary.byFunction.slice(0, top)) lines.push(`    ${f.ms.toFixed(0).padStart(7)} ms ${pct(f.ms)}  ${f.name}`);
  lines.push('  self time by file:');
  for (const f of summary.byFile.slice(0, Math.min(top, 10))) lines.push(`    ${f.ms.toFixed(0).padStart(7)} ms ${pct(f.ms)}  ${f.name}`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  let top = 20;
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--top') top = Number(args[++i]);
    else files.push(args[i]);
  }
  if (!files.length) {
    process.stderr.write('usage: node source/bench/cpuprofile.mjs [--top N] FILE.cpuprofile...\n');
    process.exit(2);
  }
  for (const f of files) process.stdout.write(formatSummary(summarizeCpuProfile(f), top) + '\n\n');
}
