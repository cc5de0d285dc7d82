/**
 * Turning conf's, ajv's and Node's errors into the one line a user can act on: the file, and where
 * known the key. Apart from reading and writing because both report through it.
 */
import fs from 'node:fs';
import { SCHEMA } from './schema.js';
import { SettingsError } from './types.js';

/** Turn conf's and Node's errors into one line naming the file and, where known, the key. */
export function describe(error: unknown, file: string): SettingsError {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return new SettingsError(`${file}: permission denied`);
  if (e?.code === 'EISDIR') return new SettingsError(`${file}: is a folder, not a file`);
  if (e?.code === 'EROFS') return new SettingsError(`${file}: read-only file system`);
  if (e?.name === 'SyntaxError') return new SettingsError(`${file}: not valid JSON (${firstLine(e.message)})`);
  const message = String(e?.message ?? e);
  const violation = /^Config schema violation: (.*)$/s.exec(message);
  if (violation) {
    const first = (violation[1] ?? '').split('; ')[0] ?? '';
    const m = /^`([^`]*)` (.*)$/.exec(first);
    const key = (m?.[1] ?? '').split('/').filter(Boolean).join('.');
    const why = (m?.[2] ?? first).replace('must NOT have additional properties', 'has an unknown key');
    if (why === 'has an unknown key') return new SettingsError(`${file}: ${key ? key + ' ' : ''}has an unknown key (${unknownKey(file, key)})`);
    if (why.startsWith('must match pattern') && /url|api|base/i.test(key)) return new SettingsError(`${file}: ${key} is not a valid URL`);
    return new SettingsError(`${file}: ${key || 'settings'} ${why}`);
  }
  return new SettingsError(`${file}: ${firstLine(message)}`);
}

const firstLine = (s: string) => s.split('\n')[0]!.slice(0, 200);

/** ajv does not name the extra key in its message; find it ourselves for a useful error. */
function unknownKey(file: string, keyPath: string): string {
  try {
    let node: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const part of keyPath.split('.').filter(Boolean)) node = (node as Record<string, unknown>)[part];
    const known = keyPath === '' ? Object.keys(SCHEMA) : knownKeysAt(keyPath);
    const extra = Object.keys(node as object).filter((k) => !known.includes(k) && !/^(\$|\/\/)/.test(k));
    return extra.map((k) => JSON.stringify(k)).join(', ') || 'unknown';
  } catch {
    return 'unknown';
  }
}

function knownKeysAt(keyPath: string): string[] {
  // biome-ignore lint/suspicious/noExplicitAny: a walk through the JSON Schema literal, whatever shape each level has
  let node: any = { properties: SCHEMA };
  for (const part of keyPath.split('.')) {
    node = /^\d+$/.test(part) ? node?.items : node?.properties?.[part];
  }
  return Object.keys(node?.properties ?? {});
}
