/**
 * The password, from the settings' passwordCommand, at the moment a login needs it; kept in memory
 * only. The command is split into words and run without a shell (execFile), so nothing in it or in a
 * password is ever interpreted by one: `pass show ttrss`, `secret-tool lookup service ttrss`,
 * `cat /path/to/file`. A user who wants a pipeline writes it as `sh -c '…'` themselves.
 */
import { execFile } from 'node:child_process';
import { SyncError } from './types.js';

const TIMEOUT_MS = 30_000;

/** Split a command line into words: whitespace separates, '…' and "…" quote, \ escapes outside '…'. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1]!)) word += command[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new SyncError('passwordCommand has an unclosed quote');
  if (inWord) words.push(word);
  return words;
}

/** Run the command; its stdout, less one trailing newline, is the password. Errors never include stdout. */
export function readPassword(command: string): Promise<string> {
  const [file, ...args] = splitCommand(command);
  if (!file) return Promise.reject(new SyncError('passwordCommand is empty'));
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: TIMEOUT_MS, maxBuffer: 64 * 1024, windowsHide: true }, (error, stdout) => {
      if (error) {
        const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
        const why =
          e.code === 'ENOENT' ? `${file}: no such command` : e.killed ? 'timed out' : typeof e.code === 'number' ? `exit status ${e.code}` : 'could not be run';
        reject(new SyncError(`passwordCommand failed (${why})`));
        return;
      }
      const password = String(stdout).replace(/\r?\n$/, '');
      if (password === '') reject(new SyncError('passwordCommand printed no password'));
      else resolve(password);
    });
  });
}
