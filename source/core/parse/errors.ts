/**
 * The one error the feed parser throws, and the helpers that keep its message to one short line: the
 * message ends up in a status bar, so a multi-line sax error or a long exception must not reach it whole.
 */
import { sanitizeLine } from '../sanitize.js';

/** Why a document could not be read as a feed. The message is one short line, fit for a status bar. */
export class FeedParseError extends Error {
  override name = 'FeedParseError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(oneLine(message), options);
  }
}

export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n', 1)[0] ?? '').trim() || 'unknown error';
}

export function oneLine(message: string): string {
  const line = sanitizeLine(message);
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
