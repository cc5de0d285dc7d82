/**
 * Reading a response body (or a local file) into memory: decompression and the size cap.
 *
 * The cap counts DECOMPRESSED bytes while streaming and kills the source the moment it is exceeded.
 * `deflate` is accepted both zlib-wrapped and raw, and a gzip body served without Content-Encoding
 * (S3/CDN objects uploaded pre-compressed) is still read.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { FetchError, tooLarge } from './errors.js';

/** The codings readBody can decode. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

type Decoder = { coding: string; stream: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress };

/**
 * Stream `source` through the decoders for `contentEncoding` into memory, failing with 'too-large' as
 * soon as the decompressed total passes `maxBytes` (pipeline then destroys every stream, and destroying
 * an IncomingMessage closes its socket: the server stops sending).
 */
export async function readBody(source: Readable, contentEncoding: string | undefined, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const first = await firstChunk(source);
  if (first === null) return new Uint8Array(0);
  if (isPlainGzip(contentEncoding, first)) return gunzipWhole(source, first, maxBytes, signal);
  let decoders: Decoder[];
  try {
    decoders = decodersFor(contentEncoding, first);
  } catch (error) {
    source.destroy(); // do not leave a half-read response holding its socket
    throw error;
  }
  return collect(source, first, decoders, maxBytes, signal);
}

/**
 * Gzip, the common case, is read whole (still capped) and inflated in one call on libuv's thread pool:
 * a third of the CPU of the streaming inflater on 1,000 feeds, and none of it on the main thread.
 * `maxOutputLength` caps what a small gzip bomb may inflate to.
 */
async function gunzipWhole(source: Readable, first: Buffer, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const compressed = await collect(source, first, [], maxBytes, signal);
  try {
    return await gunzip(compressed, { maxOutputLength: maxBytes, chunkSize: outputChunkSize(compressed.byteLength) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes);
    const detail = (error as Error).message;
    throw new FetchError('bad-encoding', `corrupt gzip body${detail && detail.length < 60 ? ` (${detail})` : ''}`, { cause: error });
  }
}

const gunzip = promisify(zlib.gunzip);

/**
 * zlib's output chunk for a body of `compressed` bytes. Each chunk is one callback on the main thread:
 * at zlib's 16 KiB default, 1,000 gzipped feeds (100 MB inflated) cost 6,000 of them, half a second.
 * Feeds inflate 4-8x, so a chunk of 8x the input (16 KiB to 1 MiB) takes most bodies in one or two.
 */
function outputChunkSize(compressed: number): number {
  return Math.min(1 << 20, Math.max(zlib.constants.Z_DEFAULT_CHUNK, 2 ** Math.ceil(Math.log2(Math.max(1, compressed) * 8))));
}

function isPlainGzip(contentEncoding: string | undefined, first: Buffer): boolean {
  const coding = (contentEncoding ?? '').trim().toLowerCase();
  return coding === 'gzip' || coding === 'x-gzip' || (coding === '' && first[0] === 0x1f && first[1] === 0x8b && first[2] === 0x08);
}

/** Stream `first` + the rest of `source` through `decoders` into memory, capped at `maxBytes`. */
async function collect(source: Readable, first: Buffer, decoders: Decoder[], maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  // Until the generator below starts iterating `source`, nothing listens for its 'error' (an fs stream
  // would throw it as uncaught). The iterator still sees the error: it checks `errored` when it starts.
  source.on('error', () => {});
  // Not `source.unshift(first)`: when the whole body came in one chunk, 'end' is emitted before this
  // async function resumes, and the unshifted chunk would be lost. Re-emit it from a generator instead
  // (pulls on demand, so backpressure still reaches the socket).
  const body = Readable.from(
    (async function* () {
      yield first;
      yield* source;
    })(),
    { objectMode: false },
  );

  let decoderError: { coding: string; error: unknown } | null = null;
  for (const decoder of decoders) {
    decoder.stream.once('error', (error) => {
      decoderError ??= { coding: decoder.coding, error };
    });
  }

  const chunks: Buffer[] = [];
  let total = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total > maxBytes) {
        callback(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
      callback();
    },
  });

  try {
    await pipeline([body, ...decoders.map((d) => d.stream), sink], { signal });
  } catch (error) {
    // Destroying `body` cannot interrupt a generator waiting on a stalled source: destroy the source
    // itself (for an IncomingMessage that closes the socket, so the server stops sending).
    source.destroy();
    if (error instanceof FetchError || signal.aborted) throw error;
    const failed = decoderError as { coding: string; error: unknown } | null;
    if (failed !== null && failed.error === error) {
      const detail = (error as Error).message;
      const why = detail && detail.length < 60 ? ` (${detail})` : '';
      throw new FetchError('bad-encoding', `corrupt ${failed.coding} body${why}`, { cause: error });
    }
    throw error;
  }
  return Buffer.concat(chunks, total);
}

/** Resolve with the first chunk of a stream (null when it is empty) without consuming the rest. */
function firstChunk(stream: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onReadable = (): void => {
      const chunk = stream.read() as Buffer | null;
      if (chunk === null) return;
      cleanup();
      resolve(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(null);
    };
    const onError = (error: unknown): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(Object.assign(new Error('premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * Decoders for a Content-Encoding header, in decoding order (the header lists them in the order they
 * were applied). `first` is the first body chunk: it tells zlib-wrapped from raw deflate (servers send
 * both under "deflate"; browsers accept both), and gzip bytes sent with no Content-Encoding at all.
 */
function decodersFor(contentEncoding: string | undefined, first: Buffer): Decoder[] {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity')
    .reverse();
  if (codings.length === 0) {
    const gzipMagic = first[0] === 0x1f && first[1] === 0x8b && first[2] === 0x08;
    return gzipMagic ? [{ coding: 'gzip', stream: zlib.createGunzip() }] : [];
  }
  return codings.map((coding, index): Decoder => {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return { coding: 'gzip', stream: zlib.createGunzip() };
      case 'deflate': {
        const zlibWrapped = index > 0 || isZlibHeader(first);
        return { coding: 'deflate', stream: zlibWrapped ? zlib.createInflate() : zlib.createInflateRaw() };
      }
      case 'br':
        return { coding: 'brotli', stream: zlib.createBrotliDecompress() };
      default:
        throw new FetchError('bad-encoding', `unsupported Content-Encoding "${coding.replace(/[^\w.+-]/g, '').slice(0, 20)}"`);
    }
  });
}

/** RFC 1950: CM = 8 (deflate) in the low nibble of CMF, and CMF*256+FLG divisible by 31. */
function isZlibHeader(bytes: Buffer): boolean {
  const cmf = bytes[0];
  const flg = bytes[1];
  if (cmf === undefined || flg === undefined) return false;
  return (cmf & 0x0f) === 8 && (cmf * 256 + flg) % 31 === 0;
}
