/**
 * Local feed files (a path, `~/...` or a file: URL), read with the same size cap as a download,
 * failing with the same FetchError kinds, and with a validator as a download has.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { FetchOk, FetchNotModified, FetchOptions } from './types.js';
import { readBody } from './body.js';
import { FetchError, tooLarge } from './errors.js';

/** Read `filePath`; `input` is what the user gave, for the result's URL and for error messages. */
export async function readFeedFile(input: string, filePath: string, opts: FetchOptions, signal: AbortSignal): Promise<FetchOk | FetchNotModified> {
  const stat = await fsp.stat(filePath).catch((error: unknown) => {
    throw fileError(error, input, filePath);
  });
  if (stat.isDirectory()) throw new FetchError('network', 'is a directory, not a feed file');
  if (stat.isFile() && stat.size > opts.maxBytes) throw tooLarge(opts.maxBytes);
  // Size is re-checked while streaming: the file may grow, or be a pipe or a device.
  const stream = createReadStream(filePath, { signal });
  let bytes: Uint8Array;
  try {
    bytes = await readBody(stream, undefined, opts.maxBytes, signal);
  } catch (error) {
    if (error instanceof FetchError || signal.aborted) throw error;
    throw fileError(error, input, filePath);
  }
  // A file has no server to answer 304: its content hash stands in for an ETag, so a refresh reports
  // an unchanged file as unchanged and skips parsing it. The hash, not mtime and size: a file touched
  // or copied back stays unchanged, and a same-size rewrite within one mtime tick is still seen.
  const etag = `"sha256-${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`;
  if (opts.etag === etag) return { status: 'not-modified', url: input, etag, lastModified: null, movedTo: null };
  return { status: 'ok', url: input, bytes, contentType: null, etag, lastModified: null, movedTo: null };
}

function fileError(error: unknown, input: string, filePath: string): FetchError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    // "example.org/feed" without a scheme is read as a path; say what was probably meant. `feed` and
    // `add` have made the path a file: URL by now: what was typed is the path relative to here.
    const typed = /^file:/i.test(input) ? path.relative(process.cwd(), filePath) : input;
    const looksLikeHost = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(\/|$)/i.test(typed);
    return new FetchError('network', looksLikeHost ? `no such file (did you mean https://${typed} ?)` : 'no such file', {
      cause: error,
    });
  }
  if (code === 'EACCES' || code === 'EPERM') return new FetchError('network', 'permission denied', { cause: error });
  if (code === 'EISDIR') return new FetchError('network', 'is a directory, not a feed file', { cause: error });
  return new FetchError('network', `cannot read file${code ? ` (${code})` : ''}`, { cause: error });
}
