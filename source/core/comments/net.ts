/**
 * Fetching for the comment adapters: http.ts with the settings' timeout and size cap, every failure
 * turned into a one-line DiscussionError naming the URL. A caller's abort is rethrown unchanged.
 */
import { FetchError, USER_AGENT, fetchBytes, type FetchResult } from '../http.js';
import { DiscussionError } from './errors.js';

export interface FetchContext {
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  userAgent?: string;
}

export const JSON_ACCEPT = 'application/json;q=1, */*;q=0.1';
export const FEED_ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5';

export async function get(
  url: string,
  ctx: FetchContext,
  request: { accept: string; etag?: string | null; lastModified?: string | null },
): Promise<FetchResult> {
  try {
    return await fetchBytes(url, {
      timeoutMs: ctx.timeoutMs,
      maxBytes: ctx.maxBytes,
      userAgent: ctx.userAgent ?? USER_AGENT,
      accept: request.accept,
      etag: request.etag ?? null,
      lastModified: request.lastModified ?? null,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    if (error instanceof FetchError) throw new DiscussionError('fetch', url, error.message, { cause: error });
    throw new DiscussionError('fetch', url, describe(error), { cause: error });
  }
}

/** A JSON body as `unknown`; anything that is not JSON is a clean one-line 'parse' error. */
export function parseJsonBody(bytes: Uint8Array, url: string): unknown {
  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch {
    const head = text.trimStart().slice(0, 15).toLowerCase();
    const what = text.trim() === '' ? 'empty response' : head.startsWith('<') ? 'got HTML or XML, not JSON' : 'not valid JSON';
    throw new DiscussionError('parse', url, what);
  }
}

function describe(error: unknown): string {
  return error instanceof Error && error.message ? error.message : 'fetch failed';
}

/** Type guards for walking untrusted JSON. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

export function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Seconds since the epoch (or an ISO/RFC date string) -> ISO, or null. */
export function isoFrom(v: unknown, unit: 'seconds' | 'string' = 'string'): string | null {
  let ms: number;
  if (unit === 'seconds') {
    const n = num(v);
    if (n === null) return null;
    ms = n * 1000;
  } else {
    if (typeof v !== 'string' || v.trim() === '') return null;
    ms = Date.parse(v.trim());
  }
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  return new Date(ms).toISOString();
}
