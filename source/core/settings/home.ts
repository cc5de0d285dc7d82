/**
 * Where Broadsheet keeps its files (the settings and the cache), and where its package lies (the
 * bundled demo feeds, the version). Apart from the settings themselves: commands need a home before
 * they read anything, and the package root is found from this file's own location.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import envPaths from 'env-paths';
import type { FeedSetting } from './types.js';

export interface Home {
  dir: string;
  configPath: string;
  cachePath: string;
}

/** `--home DIR`, else $BROADSHEET_HOME, else the platform folders (config and data may differ). */
export function resolveHome(flag?: string, env: NodeJS.ProcessEnv = process.env): Home {
  const chosen = flag ?? env.BROADSHEET_HOME;
  if (chosen) {
    const dir = path.resolve(chosen);
    return { dir, configPath: path.join(dir, 'config.json'), cachePath: path.join(dir, 'cache.db') };
  }
  const paths = envPaths('broadsheet', { suffix: '' });
  return { dir: paths.config, configPath: path.join(paths.config, 'config.json'), cachePath: path.join(paths.data, 'cache.db') };
}

/** The bundled demo feeds, used while there is no settings file. */
export function demoFeeds(): FeedSetting[] {
  const dir = path.join(packageRoot(), 'feeds');
  const files = [
    ['broadsheet-blog.rss', 'demo'],
    ['field-notes.atom', 'demo'],
    ['hacker-digest.rss', 'demo'],
  ] as const;
  return files.map(([file, tag]) => ({ url: pathToFileURL(path.join(dir, file)).href, tags: [tag] })).filter((feed) => fs.existsSync(fileURLToPath(feed.url)));
}

/** The folder holding package.json and feeds/, from source (tests) or from the bundle. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'feeds'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the broadsheet package folder');
}
