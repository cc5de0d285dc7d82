import fs from 'node:fs';
import { packageRoot } from './settings.js';

declare const __BROADSHEET_VERSION__: string | undefined;

/** Set by the bundler; read from package.json when running from sources (tests). */
export const VERSION: string =
  typeof __BROADSHEET_VERSION__ === 'string'
    ? __BROADSHEET_VERSION__
    : (JSON.parse(fs.readFileSync(`${packageRoot()}/package.json`, 'utf8')) as { version: string }).version;
