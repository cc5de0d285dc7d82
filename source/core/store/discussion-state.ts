/**
 * The cache's tables for discussions beyond the article's own feed (schema migration 4): lookup
 * answers, the comment count of the threads found, the discussion the reader shows for an article,
 * when it last showed each discussion, and the request ledger the services' rate limits are kept by.
 */
import type Database from 'better-sqlite3';

/** Rows older than this are never counted (the longest rate-limit window is an hour). */
const LEDGER_KEEP_MS = 60 * 60 * 1000;

export function lookup(db: Database.Database, key: string): { fetchedAt: number; data: string } | undefined {
  return db.prepare('SELECT fetched_at AS fetchedAt, data FROM lookups WHERE key = ?').get(key) as { fetchedAt: number; data: string } | undefined;
}

export function saveLookup(db: Database.Database, key: string, data: string, fetchedAt: number): void {
  db.prepare(
    `INSERT INTO lookups (key, fetched_at, data) VALUES (?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET fetched_at = excluded.fetched_at, data = excluded.data`,
  ).run(key, fetchedAt, data);
}

export function setLookupCount(db: Database.Database, articleId: number, count: number): boolean {
  return db.prepare('UPDATE articles SET lookup_count = ? WHERE id = ? AND lookup_count IS NOT ?').run(count, articleId, count).changes > 0;
}

export function discussionChoice(db: Database.Database, articleId: number): string | undefined {
  return (db.prepare('SELECT key FROM discussion_choices WHERE article_id = ?').get(articleId) as { key: string } | undefined)?.key;
}

export function setDiscussionChoice(db: Database.Database, articleId: number, key: string): void {
  db.prepare('INSERT INTO discussion_choices (article_id, key) VALUES (?, ?) ON CONFLICT(article_id) DO UPDATE SET key = excluded.key').run(articleId, key);
}

export function discussionSeenAt(db: Database.Database, key: string): number | null {
  return (db.prepare('SELECT seen_at AS seenAt FROM discussion_visits WHERE key = ?').get(key) as { seenAt: number } | undefined)?.seenAt ?? null;
}

export function markDiscussionSeen(db: Database.Database, key: string, at: number): void {
  db.prepare('INSERT INTO discussion_visits (key, seen_at) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET seen_at = excluded.seen_at').run(key, at);
}

export function requestsSince(db: Database.Database, service: string, since: number): number[] {
  return (db.prepare('SELECT at FROM service_requests WHERE service = ? AND at >= ? ORDER BY at').all(service, since) as { at: number }[]).map((r) => r.at);
}

export function recordRequest(db: Database.Database, service: string, at: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM service_requests WHERE service = ? AND at < ?').run(service, at - LEDGER_KEEP_MS);
    db.prepare('INSERT INTO service_requests (service, at) VALUES (?, ?)').run(service, at);
  }).immediate();
}

export function pausedUntil(db: Database.Database, service: string): number | null {
  return (db.prepare('SELECT until FROM service_pauses WHERE service = ?').get(service) as { until: number } | undefined)?.until ?? null;
}

export function pause(db: Database.Database, service: string, until: number): void {
  db.prepare('INSERT INTO service_pauses (service, until) VALUES (?, ?) ON CONFLICT(service) DO UPDATE SET until = max(until, excluded.until)').run(
    service,
    until,
  );
}
