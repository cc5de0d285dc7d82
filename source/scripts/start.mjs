/**
 * `npm start`: bundle when the sources are newer than the bundle (or there is none), then run it
 * in this process, so `npm start -- refresh` works like `broadsheet refresh`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const entry = path.join(root, '.build/cli.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    newest = Math.max(newest, item.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

const built = fs.existsSync(entry) ? fs.statSync(entry).mtimeMs : 0;
if (built < Math.max(newestSource(path.join(root, 'source')), fs.statSync(path.join(root, 'package.json')).mtimeMs)) {
  const { bundle } = await import('./build.mjs');
  await bundle();
}
await import(pathToFileURL(entry).href);
