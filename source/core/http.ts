/**
 * Fetching feeds: conditional GET, compression, size cap, timeout, redirects, local files.
 *
 * Built on node:http / node:https / node:zlib rather than undici `fetch`, because every requirement here
 * is about control that fetch hides or makes awkward:
 *   - the size cap must count DECOMPRESSED bytes while streaming and kill the socket the moment it is
 *     exceeded (fetch decompresses inside undici and only lets us cancel the body stream);
 *   - redirects must be followed by hand anyway (loop detection, 5-hop cap, recording 301/308 so the stored
 *     URL can be updated: `redirect: 'manual'` gives the same work with less information);
 *   - `deflate` must accept both zlib-wrapped and raw streams, and a gzip body served without
 *     Content-Encoding (S3/CDN objects uploaded pre-compressed) should still be read;
 *   - one keep-alive agent per protocol, shared by the whole process, that the CLI can close to exit
 *     promptly (`closeAgents`).
 * It is also the fastest option on Node 20 for many small sequential requests per host.
 *
 * Errors are always `FetchError` with a short, one-line, human message that contains no server-controlled
 * text (status reasons come from Node's own table, never from the response), except when the caller's
 * own `signal` aborts: then its `reason` is rethrown unchanged (an AbortError by default), as with fetch.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { homedir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { VERSION } from '../version.js';
import { decodeFeedBytes } from './charset.js';

export const USER_AGENT = `Broadsheet/${VERSION} (+https://github.com/broadsheet; terminal feed reader)`;
export const DEFAULT_ACCEPT =
  'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5';
export const ACCEPT_ENCODING = 'gzip, deflate, br';
export const MAX_REDIRECTS = 5;

export interface FetchOptions {
  /** Whole request, from connect to last body byte (all redirects included); aborts the socket. */
  timeoutMs: number;
  /** Cap on DECOMPRESSED body bytes, enforced while streaming; a larger Content-Length fails at once. */
  maxBytes: number;
  /** Defaults to USER_AGENT. */
  userAgent?: string;
  /** Sent as If-None-Match. */
  etag?: string | null;
  /** Sent as If-Modified-Since. */
  lastModified?: string | null;
  /** Defaults to DEFAULT_ACCEPT. */
  accept?: string;
  /** Caller cancellation: its `reason` is rethrown as is. */
  signal?: AbortSignal;
}

export interface FetchOk {
  status: 'ok';
  /** Final URL after redirects (for a local file: the input as given). */
  url: string;
  bytes: Uint8Array;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  /**
   * Where the leading run of permanent redirects (301/308) ended, when that differs from the requested
   * URL: the stored URL may be updated to it. A temporary redirect (302/303/307) ends the run, so
   * `301 A->B, 302 B->C` gives B, never the temporary C.
   */
  movedTo: string | null;
}

export interface FetchNotModified {
  status: 'not-modified';
  url: string;
  /** The validators to keep: from the 304 when it sends them, else the ones we sent. */
  etag: string | null;
  lastModified: string | null;
  /** As in FetchOk: a 301 followed by a 304 at the new address still moves the subscription. */
  movedTo: string | null;
}

export type FetchResult = FetchOk | FetchNotModified;

export type FetchTextResult = (Omit<FetchOk, 'bytes'> & { text: string }) | FetchNotModified;

export type FetchErrorKind =
  | 'http'
  | 'timeout'
  | 'too-large'
  | 'redirect-loop'
  | 'too-many-redirects'
  | 'network'
  | 'bad-encoding'
  | 'unsupported-url';

export class FetchError extends Error {
  readonly kind: FetchErrorKind;
  /** The HTTP status, for kind 'http'. */
  readonly status?: number;
  /** From Retry-After (delta-seconds or HTTP-date) on 429 and 503. */
  readonly retryAfterSeconds?: number;

  constructor(
    kind: FetchErrorKind,
    message: string,
    extra: { status?: number; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'FetchError';
    this.kind = kind;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.retryAfterSeconds !== undefined) this.retryAfterSeconds = extra.retryAfterSeconds;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Agents

/**
 * Idle keep-alive sockets are closed after this long. Below the 5 s keep-alive timeout of Node and Apache
 * servers, so we rarely reuse a socket the server is closing at that instant (and when we do, the request
 * is retried once on a fresh socket: see sendRequest).
 */
const FREE_SOCKET_TIMEOUT_MS = 4000;
/** Per host: polite, like a browser (a refresh often has many feeds on one host, e.g. FeedBurner). */
const MAX_SOCKETS_PER_HOST = 6;

let agents: { http: http.Agent; https: https.Agent } | null = null;

function agentFor(protocol: string): http.Agent {
  if (agents === null) {
    const options: http.AgentOptions = {
      keepAlive: true,
      maxSockets: MAX_SOCKETS_PER_HOST,
      maxFreeSockets: MAX_SOCKETS_PER_HOST,
      timeout: FREE_SOCKET_TIMEOUT_MS,
      scheduling: 'lifo',
    };
    agents = { http: new http.Agent(options), https: new https.Agent(options) };
  }
  return protocol === 'https:' ? agents.https : agents.http;
}

/**
 * Close every pooled socket. Idle keep-alive sockets are unref'd by Node and do not keep the process
 * alive, but closing them lets the CLI exit at once and tests end cleanly. Agents are recreated on the
 * next fetch, so calling this between refreshes is harmless.
 */
export function closeAgents(): void {
  agents?.http.destroy();
  agents?.https.destroy();
  agents = null;
}

// ---------------------------------------------------------------------------------------------------------
// Entry points

export async function fetchBytes(url: string, opts: FetchOptions): Promise<FetchResult> {
  const target = classifyUrl(url);
  if (opts.signal?.aborted) throw opts.signal.reason;

  const controller = new AbortController();
  const timer = Number.isFinite(opts.timeoutMs)
    ? setTimeout(
        () => controller.abort(new FetchError('timeout', `timed out after ${formatSeconds(opts.timeoutMs)}`)),
        Math.max(1, opts.timeoutMs),
      )
    : undefined;
  const onCallerAbort = (): void => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    return target.kind === 'file'
      ? await readFile(url, target.path, opts, controller.signal)
      : await fetchHttp(target.url, opts, controller.signal);
  } catch (error) {
    // Whatever error the abort surfaced as (AbortError, ECONNRESET, premature close), report the reason.
    if (controller.signal.aborted) throw controller.signal.reason;
    throw toFetchError(error);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onCallerAbort);
  }
}

/** fetchBytes, then decodeFeedBytes (HTTP charset, XML declaration, BOM, UTF-8). */
export async function fetchText(url: string, opts: FetchOptions): Promise<FetchTextResult> {
  const result = await fetchBytes(url, opts);
  if (result.status !== 'ok') return result;
  const { bytes, ...rest } = result;
  return { ...rest, text: decodeFeedBytes(bytes, result.contentType) };
}

// ---------------------------------------------------------------------------------------------------------
// URL classification

type Target = { kind: 'http'; url: URL } | { kind: 'file'; path: string };

/** http(s) URL, file: URL or plain path; anything else is 'unsupported-url'. */
function classifyUrl(input: string): Target {
  const value = input.trim();
  if (value === '') throw new FetchError('unsupported-url', 'empty URL');
  if (/^[a-zA-Z]:[\\/]/.test(value) || value.startsWith('\\\\')) return { kind: 'file', path: value };
  if (value === '~' || value.startsWith('~/')) return { kind: 'file', path: path.join(homedir(), value.slice(1)) };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'file', path: value };
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'file') {
    throw new FetchError('unsupported-url', `unsupported URL scheme "${scheme}:"`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FetchError('unsupported-url', 'not a valid URL');
  }
  if (scheme !== 'file') return { kind: 'http', url };
  try {
    return { kind: 'file', path: fileURLToPath(url) };
  } catch {
    throw new FetchError('unsupported-url', 'file URL with a host is not supported');
  }
}

// ---------------------------------------------------------------------------------------------------------
// HTTP

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

async function fetchHttp(start: URL, opts: FetchOptions, signal: AbortSignal): Promise<FetchResult> {
  const headers: http.OutgoingHttpHeaders = {
    'user-agent': opts.userAgent ?? USER_AGENT,
    accept: opts.accept ?? DEFAULT_ACCEPT,
    'accept-encoding': ACCEPT_ENCODING,
  };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;

  let current = start;
  const seen = new Set([withoutHash(start)]);
  let redirects = 0;
  let permanentRun = true;
  let movedTo: string | null = null;

  for (;;) {
    const res = await sendRequest(current, headers, signal, true);
    const status = res.statusCode ?? 0;

    if (REDIRECT_STATUSES.has(status)) {
      discard(res);
      const location = res.headers.location;
      if (!location) throw new FetchError('http', `HTTP ${status} redirect without a Location`, { status });
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new FetchError('http', `HTTP ${status} redirect to an invalid URL`, { status });
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new FetchError('unsupported-url', `redirect to unsupported URL scheme "${next.protocol}"`);
      }
      const key = withoutHash(next);
      if (seen.has(key)) throw new FetchError('redirect-loop', 'redirect loop');
      redirects++;
      if (redirects > MAX_REDIRECTS) {
        throw new FetchError('too-many-redirects', `more than ${MAX_REDIRECTS} redirects`);
      }
      seen.add(key);
      if (permanentRun && (status === 301 || status === 308)) movedTo = next.href;
      else permanentRun = false;
      current = next;
      continue;
    }

    const finalUrl = current.href;
    const moved = movedTo !== null && movedTo !== start.href ? movedTo : null;

    if (status === 304) {
      discard(res);
      return {
        status: 'not-modified',
        url: finalUrl,
        etag: res.headers.etag ?? opts.etag ?? null,
        lastModified: res.headers['last-modified'] ?? opts.lastModified ?? null,
        movedTo: moved,
      };
    }

    if (status < 200 || status > 299) {
      discard(res);
      throw httpError(status, res.headers['retry-after']);
    }

    const declaredLength = Number(res.headers['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > opts.maxBytes) {
      res.destroy();
      throw tooLarge(opts.maxBytes);
    }
    const bytes = await readBody(res, res.headers['content-encoding'], opts.maxBytes, signal);
    return {
      status: 'ok',
      url: finalUrl,
      bytes,
      contentType: res.headers['content-type'] ?? null,
      etag: res.headers.etag ?? null,
      lastModified: res.headers['last-modified'] ?? null,
      movedTo: moved,
    };
  }
}

function withoutHash(url: URL): string {
  const copy = new URL(url.href);
  copy.hash = '';
  return copy.href;
}

/**
 * One GET. A keep-alive socket can be closed by the server just as we reuse it; that surfaces as
 * ECONNRESET/EPIPE before any response, and Node's docs recommend retrying on `req.reusedSocket`.
 * We retry once, on a fresh socket (a GET is idempotent).
 */
function sendRequest(
  url: URL,
  headers: http.OutgoingHttpHeaders,
  signal: AbortSignal,
  mayRetry: boolean,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method: 'GET', headers, agent: agentFor(url.protocol), signal }, resolve);
    req.on('error', (error: NodeJS.ErrnoException) => {
      const stale = error.code === 'ECONNRESET' || error.code === 'EPIPE';
      if (mayRetry && stale && req.reusedSocket && !signal.aborted) {
        resolve(sendRequest(url, headers, signal, false));
      } else {
        reject(error);
      }
    });
    req.end();
  });
}

/**
 * Throw away a response we will not read. A small body is drained so the socket goes back to the pool;
 * a large or unknown-length one is not worth downloading: destroy the socket instead.
 */
function discard(res: http.IncomingMessage): void {
  const length = Number(res.headers['content-length']);
  if (res.statusCode === 304 || (Number.isFinite(length) && length <= 64 * 1024)) res.resume();
  else res.destroy();
}

function httpError(status: number, retryAfterHeader: string | undefined): FetchError {
  const reason = http.STATUS_CODES[status] ?? 'error';
  if (status === 410) return new FetchError('http', 'gone (HTTP 410): consider removing it', { status });
  const retryAfterSeconds = status === 429 || status === 503 ? parseRetryAfter(retryAfterHeader) : undefined;
  const retry = retryAfterSeconds === undefined ? '' : `, retry after ${formatDuration(retryAfterSeconds)}`;
  return new FetchError('http', `HTTP ${status} ${reason}${retry}`, {
    status,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}

/** Retry-After as seconds from now: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined if invalid. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^[a-z]{3},? /i.test(text)) return undefined; // IMF-fixdate, RFC 850 or asctime: starts with a day name
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

// ---------------------------------------------------------------------------------------------------------
// Local files

async function readFile(input: string, filePath: string, opts: FetchOptions, signal: AbortSignal): Promise<FetchOk> {
  const stat = await fsp.stat(filePath).catch((error: unknown) => {
    throw fileError(error, input);
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
    throw fileError(error, input);
  }
  return { status: 'ok', url: input, bytes, contentType: null, etag: null, lastModified: null, movedTo: null };
}

function fileError(error: unknown, input: string): FetchError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    // "example.org/feed" without a scheme is read as a path; say what was probably meant.
    const looksLikeHost = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(\/|$)/i.test(input);
    return new FetchError('network', looksLikeHost ? `no such file (did you mean https://${input} ?)` : 'no such file', {
      cause: error,
    });
  }
  if (code === 'EACCES' || code === 'EPERM') return new FetchError('network', 'permission denied', { cause: error });
  if (code === 'EISDIR') return new FetchError('network', 'is a directory, not a feed file', { cause: error });
  return new FetchError('network', `cannot read file${code ? ` (${code})` : ''}`, { cause: error });
}

// ---------------------------------------------------------------------------------------------------------
// Body: decompression and the size cap

type Decoder = { coding: string; stream: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress };

/**
 * Stream `source` through the decoders for `contentEncoding` into memory, failing with 'too-large' as
 * soon as the decompressed total passes `maxBytes` (pipeline then destroys every stream, and destroying
 * an IncomingMessage closes its socket: the server stops sending).
 */
async function readBody(
  source: Readable,
  contentEncoding: string | undefined,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const first = await firstChunk(source);
  if (first === null) return new Uint8Array(0);
  let decoders: Decoder[];
  try {
    decoders = decodersFor(contentEncoding, first);
  } catch (error) {
    source.destroy(); // do not leave a half-read response holding its socket
    throw error;
  }
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

// ---------------------------------------------------------------------------------------------------------
// Errors and formatting

function tooLarge(maxBytes: number): FetchError {
  return new FetchError('too-large', `larger than ${formatBytes(maxBytes)}`);
}

const NETWORK_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EAI_FAIL: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host is down',
  ENETDOWN: 'network is down',
  EADDRNOTAVAIL: 'address not available',
  ERR_STREAM_PREMATURE_CLOSE: 'connection closed before the body was complete',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  CERT_NOT_YET_VALID: 'TLS certificate is not yet valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed TLS certificate in chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate issuer unknown',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
  EPROTO: 'TLS handshake failed',
};

/** Map anything thrown below to a FetchError with a short message (never a stack, never server text). */
function toFetchError(error: unknown): FetchError {
  if (error instanceof FetchError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const known = NETWORK_MESSAGES[code];
  if (known !== undefined) {
    // Node reports a connection closed before the response as ECONNRESET "socket hang up".
    const hangUp = code === 'ECONNRESET' && (error as Error).message === 'socket hang up';
    return new FetchError('network', hangUp ? 'connection closed by the server' : known, { cause: error });
  }
  if (code.startsWith('HPE_')) return new FetchError('network', 'malformed HTTP response', { cause: error });
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL')) {
    return new FetchError('network', 'TLS error', { cause: error });
  }
  return new FetchError('network', code ? `network error (${code})` : 'network error', { cause: error });
}

function formatBytes(bytes: number): string {
  const MiB = 1024 * 1024;
  if (bytes >= MiB) return `${Number((bytes / MiB).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.ceil(seconds / 3600)} h`;
}
