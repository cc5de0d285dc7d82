#!/usr/bin/env node
/**
 * Redraw the README's screenshot (.github/reader.png) from a real session: the built reader runs on the
 * bundled demo in a 160x40 tmux pane, opens "A reader that reads the replies" with its comments beside
 * it, and the pane is captured with its colours (capture-pane -e). The capture becomes an HTML page of
 * coloured spans (the 16 ANSI colours in xterm's palette, on a dark background) that headless Chromium
 * photographs. Needs tmux and Debian's chromium (apt-get install chromium fonts-noto-color-emoji).
 *
 * Usage: node source/scripts/screenshot.mjs [--out .github/reader.png] [--keep-html]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const out = path.resolve(root, outArg >= 0 ? args[outArg + 1] : '.github/reader.png');
const COLUMNS = 160;
const ROWS = 40;

const PALETTE = [
  '#000000',
  '#cd0000',
  '#00cd00',
  '#cdcd00',
  '#3b78ff',
  '#cd00cd',
  '#00cdcd',
  '#e5e5e5',
  '#7f7f7f',
  '#ff0000',
  '#00ff00',
  '#ffff00',
  '#5c5cff',
  '#ff00ff',
  '#00ffff',
  '#ffffff',
];
const FOREGROUND = '#d8d8d8';
const BACKGROUND = '#1d1f21';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A private tmux server, so the script never touches the user's own sessions. */
function tmux(...words) {
  return execFileSync('tmux', ['-L', `bs-shot-${process.pid}`, '-f', '/dev/null', ...words], { encoding: 'utf8', env: { ...process.env, TMUX: '' } });
}

async function waitFor(text, what) {
  for (let i = 0; i < 100; i++) {
    const screen = tmux('capture-pane', '-p', '-t', 'shot');
    if (screen.includes(text)) return screen;
    await sleep(100);
  }
  throw new Error(`screenshot: timed out waiting for ${what}`);
}

/** tmux's SGR-coloured capture as HTML spans, one line per row. */
function toHtml(capture) {
  const escapeHtml = (s) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
  let style = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false };
  const reset = () => ({ fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false });
  style = reset();
  const lines = capture.replace(/\n$/, '').split('\n').slice(0, ROWS);
  return lines
    .map((line) => {
      let html = '';
      for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
        const sgr = /^\x1b\[([0-9;]*)m$/.exec(part);
        if (!sgr) {
          if (!part) continue;
          let fg = style.fg ?? FOREGROUND;
          let bg = style.bg ?? BACKGROUND;
          if (style.inverse) [fg, bg] = [bg, fg];
          const css = [
            `color:${fg}`,
            bg !== BACKGROUND ? `background:${bg}` : '',
            style.bold ? 'font-weight:bold' : '',
            style.dim ? 'opacity:.6' : '',
            style.italic ? 'font-style:italic' : '',
            style.underline ? 'text-decoration:underline' : '',
          ]
            .filter(Boolean)
            .join(';');
          html += `<span style="${css}">${escapeHtml(part)}</span>`;
          continue;
        }
        const codes = sgr[1] === '' ? [0] : sgr[1].split(';').map(Number);
        for (let i = 0; i < codes.length; i++) {
          const c = codes[i];
          if (c === 0) style = reset();
          else if (c === 1) style.bold = true;
          else if (c === 2) style.dim = true;
          else if (c === 3) style.italic = true;
          else if (c === 4) style.underline = true;
          else if (c === 7) style.inverse = true;
          else if (c === 22) style.bold = style.dim = false;
          else if (c === 23) style.italic = false;
          else if (c === 24) style.underline = false;
          else if (c === 27) style.inverse = false;
          else if (c >= 30 && c <= 37) style.fg = PALETTE[c - 30];
          else if (c >= 90 && c <= 97) style.fg = PALETTE[c - 90 + 8];
          else if (c === 39) style.fg = null;
          else if (c >= 40 && c <= 47) style.bg = PALETTE[c - 40];
          else if (c === 49) style.bg = null;
          else if ((c === 38 || c === 48) && codes[i + 1] === 5) {
            const n = codes[i + 2];
            const colour = n < 16 ? PALETTE[n] : FOREGROUND;
            if (c === 38) style.fg = colour;
            else style.bg = colour;
            i += 2;
          }
        }
      }
      return html || ' ';
    })
    .join('\n');
}

async function main() {
  const cli = path.join(root, '.build/cli.mjs');
  if (!fs.existsSync(cli)) execFileSync(process.execPath, [path.join(root, 'source/scripts/build.mjs')], { stdio: 'inherit' });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-shot-'));
  const env = `env -u CI -u NO_COLOR TERM=xterm-256color BROADSHEET_HOME='${home}' '${process.execPath}' '${cli}'`;
  try {
    tmux('new-session', '-d', '-s', 'shot', '-x', String(COLUMNS), '-y', String(ROWS), env);
    await waitFor('Refreshed 3 feeds', 'the demo list');
    tmux('send-keys', '-t', 'shot', 'j', 'j', 'c');
    await waitFor('Sunniva Dahl', 'the comments pane');
    await sleep(300);
    const capture = tmux('capture-pane', '-p', '-e', '-t', 'shot');
    const page = `<!doctype html><meta charset="utf-8"><style>
      body { margin: 0; background: ${BACKGROUND}; }
      pre { margin: 0; padding: 12px 14px; font: 14px/1.25 'DejaVu Sans Mono', monospace; color: ${FOREGROUND}; }
    </style><pre>${toHtml(capture)}</pre>`;
    const html = path.join(home, 'reader.html');
    fs.writeFileSync(html, page);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    // 160 columns of 14px DejaVu Sans Mono are about 8.43px each; 40 rows of 17.5px.
    const width = Math.ceil(COLUMNS * 8.43 + 28);
    const height = Math.ceil(ROWS * 17.5 + 24);
    const shot = spawnSync(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${path.join(home, 'chromium')}`,
        '--hide-scrollbars',
        `--window-size=${width},${height}`,
        `--screenshot=${out}`,
        `file://${html}`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (shot.status !== 0 || !fs.existsSync(out)) throw new Error(`screenshot: chromium failed:\n${shot.stderr}`);
    if (args.includes('--keep-html')) fs.copyFileSync(html, out.replace(/\.png$/, '.html'));
    process.stderr.write(`wrote ${path.relative(root, out)} (${width}x${height})\n`);
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // Already gone.
    }
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
