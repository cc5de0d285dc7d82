/**
 * Full-text search over articles: the text that goes into the index (the title, and the body's text
 * without its markup), the user's query turned into an FTS5 query that cannot be a syntax error, and
 * the writes that keep the index in step with the articles.
 *
 * The index (table article_search, schema.ts) is FTS5 with the unicode61 tokenizer, contentless: it
 * keeps only the index, not a second copy of every body. unicode61 folds case in every script
 * (Cyrillic included) but splits words at spaces, and Chinese and Japanese write none: a run of Han
 * characters would be one token, and a word inside it could never be found. So Han, Hiragana and
 * Katakana characters are spaced apart, at index and at query time alike, and a CJK word is searched
 * as the phrase of its characters. The trigram tokenizer would find them too, but it cannot find a
 * word shorter than three characters (most Chinese words are two) and its index is about three times
 * the size of the text.
 */
import type Database from 'better-sqlite3';
import { Parser } from 'htmlparser2';
import { endsInCjk, searchTerms, spaceCjk } from '../search-terms.js';

/** Elements that end a run of text: `a</p><p>b` is two words, `a<b>b</b>` one. */
const BREAKS = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'dd',
  'dt',
  'tr',
  'td',
  'th',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'hr',
  'img',
  'figure',
  'figcaption',
  'section',
  'article',
  'table',
]);
const SKIPPED = new Set(['script', 'style', 'template', 'noscript']);

/**
 * The words of an article's HTML body, for the index only (never shown): htmlparser2's tokenizer
 * without building a tree (the reader's renderer lays out lines, five times the work, and a refresh
 * indexes every new article), entities decoded, script and style left out.
 */
export function bodyText(html: string): string {
  if (!html) return '';
  if (!html.includes('<') && !html.includes('&')) return html;
  const parts: string[] = [];
  let skipping = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (SKIPPED.has(name)) skipping++;
        else if (BREAKS.has(name)) parts.push(' ');
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) skipping = Math.max(0, skipping - 1);
        else if (BREAKS.has(name)) parts.push(' ');
      },
      ontext(text) {
        if (!skipping) parts.push(text);
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return parts.join('');
}

/**
 * The FTS5 query for a user's query, or null when it holds no word: every term is an FTS5 string
 * (its quotes doubled), so no operator, column filter or stray bracket the user types is ever read
 * as FTS5 syntax; terms are ANDed; a plain word is a prefix (`bro` finds "browser"), a phrase exact.
 * A CJK word is a phrase of its characters, and not a prefix (each character is already a token).
 */
export function ftsQuery(query: string): string | null {
  const parts = searchTerms(query).map(termQuery);
  return parts.length ? parts.join(' AND ') : null;
}

function termQuery(term: { text: string; phrase: boolean }): string {
  const spaced = spaceCjk(term.text).trim().replace(/\s+/g, ' ');
  const quoted = `"${spaced.replace(/"/g, '""')}"`;
  return term.phrase || endsInCjk(term.text) ? quoted : `${quoted}*`;
}

/** Words a prefix may stand for before it is left to FTS5 as a prefix. */
const MAX_WORDS = 16;

/**
 * ftsQuery for this cache, each prefix of plain letters and digits spelled out as the words the index
 * holds that start with it (at most MAX_WORDS; `the` -> `("the" OR "they")`): FTS5 merges every such
 * word's list of articles into one before reading any of it, but reads an OR of words as it goes, so a
 * list of the newest matches can stop early (`the` at 300,000 articles: 120 ms -> 25 ms, most of it
 * the word list's own lookup). Only plain ASCII prefixes: their folding by unicode61 is lower case,
 * which this can match exactly; any other term stays as ftsQuery writes it.
 */
export function indexedQuery(db: Database.Database, query: string): string | null {
  const parts = searchTerms(query).map((term) => {
    if (term.phrase || !/^[a-z0-9]+$/i.test(term.text)) return termQuery(term);
    const prefix = term.text.toLowerCase();
    // Terms compare as bytes: every word starting with the prefix sorts before the prefix with its last character raised.
    const above = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    const words = wordsOf(db).all(prefix, above, MAX_WORDS + 1) as string[];
    if (words.length > MAX_WORDS) return termQuery(term);
    // No word starts with it: the prefix as a word matches nothing, as the prefix would.
    if (!words.length) return `"${prefix}"`;
    const quoted = words.map((w) => `"${w.replace(/"/g, '""')}"`);
    return quoted.length === 1 ? quoted[0]! : `(${quoted.join(' OR ')})`;
  });
  return parts.length ? parts.join(' AND ') : null;
}

/** The index's words (fts5vocab), a temporary table of each connection, made when first asked for. */
function wordsOf(db: Database.Database): Database.Statement {
  let statement = wordStatements.get(db);
  if (!statement) {
    db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.article_search_words USING fts5vocab(main, article_search, 'row')");
    statement = db.prepare('SELECT term FROM temp.article_search_words WHERE term >= ? AND term < ? LIMIT ?').pluck();
    wordStatements.set(db, statement);
  }
  return statement;
}
const wordStatements = new WeakMap<Database.Database, Database.Statement>();

/** Put an article into the index, or replace what the index held for it. */
export function indexArticle(db: Database.Database, id: number, title: string, html: string): void {
  let statement = indexStatements.get(db);
  if (!statement) {
    // Prepared once per connection: a refresh indexes every new article through it.
    statement = db.prepare('INSERT OR REPLACE INTO article_search (rowid, title, body) VALUES (?, ?, ?)');
    indexStatements.set(db, statement);
  }
  statement.run(id, spaceCjk(title), spaceCjk(bodyText(html)));
}
const indexStatements = new WeakMap<Database.Database, Database.Statement>();

/**
 * Index the articles stored since the index last caught up (ids above search_progress.indexed_upto;
 * ids only grow), at most `limit` of them, in one transaction; returns how many were indexed. A refresh
 * stores new articles without indexing them and catches up once it is done (core/refresh.ts): FTS5
 * writes a segment per transaction and merges them as they pile up, so indexing inside each feed's
 * own transaction made a cold refresh of 1,000 feeds take 21 s instead of 9.6, the parse workers
 * queueing for the write lock behind it; a few large batches cost a fraction of that.
 */
/** Whether some cached article is not yet in the search index (one indexed lookup). */
export function searchBehind(db: Database.Database): boolean {
  return db.prepare('SELECT 1 FROM articles WHERE id > (SELECT indexed_upto FROM search_progress) LIMIT 1').get() !== undefined;
}

export function indexNewArticles(db: Database.Database, limit: number): number {
  // Nothing waiting is the usual case: a read, not a write transaction.
  if (!searchBehind(db)) return 0;
  return db
    .transaction(() => {
      const upto = db.prepare('SELECT indexed_upto FROM search_progress').pluck().get() as number;
      const rows = db
        .prepare(
          `SELECT a.id, a.title, a.hidden, b.html FROM articles a LEFT JOIN bodies b ON b.article_id = a.id
           WHERE a.id > ? ORDER BY a.id LIMIT ?`,
        )
        .all(upto, limit) as { id: number; title: string; hidden: number; html: string | null }[];
      if (rows.length === 0) return 0;
      // Hidden articles (a filter's) are never indexed: a search counts in the index alone.
      for (const r of rows) if (!r.hidden) indexArticle(db, r.id, r.title, r.html ?? '');
      db.prepare('UPDATE search_progress SET indexed_upto = ?').run(rows.at(-1)!.id);
      return rows.length;
    })
    .immediate();
}

/**
 * The SQL functions the migration that builds the index calls on the articles already cached:
 * registered on every connection, since any one of them may be the one that migrates.
 */
export function registerSearchFunctions(db: Database.Database): void {
  db.function('search_title', { deterministic: true }, (title) => spaceCjk(String(title ?? '')));
  db.function('search_body', { deterministic: true }, (html) => spaceCjk(bodyText(String(html ?? ''))));
}

/** Title matches count four times body matches in bm25's ranking: a word in the title is what the article is about. */
export const RANK = 'bm25(article_search, 4.0, 1.0)';
