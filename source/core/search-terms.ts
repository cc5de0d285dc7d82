/**
 * What a search means, shared by the cache's index (store/search.ts) and the reader's highlighting:
 * the user's query as terms, the scripts written without spaces, and where a query's words occur in a
 * piece of text, folded as the index folds them (case, and diacritics: unicode61 remove_diacritics 2).
 */

const CJK_CLASS = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}';
/** One character of a script written without spaces between words (Chinese, Japanese). */
const CJK = new RegExp(`[${CJK_CLASS}]`, 'gu');
const ENDS_IN_CJK = new RegExp(`[${CJK_CLASS}]$`, 'u');
/** A run of CJK characters, or a run of other letters and digits: the pieces a word is matched as. */
const PIECES = new RegExp(`[${CJK_CLASS}]+|(?:(?![${CJK_CLASS}])[\\p{L}\\p{N}])+`, 'gu');

/** Every CJK character made a word of its own (unicode61 then indexes each one). */
export function spaceCjk(text: string): string {
  return text.replace(CJK, (c) => ` ${c} `);
}

export function endsInCjk(text: string): boolean {
  return ENDS_IN_CJK.test(text);
}

/** One term of a user's query: a word (matched as a prefix) or a quoted phrase. */
export interface SearchTerm {
  text: string;
  phrase: boolean;
}

/**
 * A user's query as terms: "quoted phrases" and plain words. A quote left open runs to the end.
 * Terms without a letter or digit (`(`, `-`) are dropped: they would match nothing.
 */
export function searchTerms(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  for (const m of query.matchAll(/"([^"]*)"?|([^\s"]+)/g)) {
    const text = (m[1] ?? m[2] ?? '').trim();
    if (/[\p{L}\p{N}]/u.test(text)) terms.push({ text, phrase: m[1] !== undefined });
  }
  return terms;
}

/** A character as the index compares it: lower case, without its accents. */
function fold(ch: string): string {
  return ch.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Where a query's words occur in `text`, as [start, end) ranges of UTF-16 offsets, sorted and merged.
 * Each word of each term is looked for on its own, as the start of a word (the query's words are
 * prefixes); a CJK word anywhere, since nothing marks where its words begin. A phrase's words are
 * marked one by one, so a phrase wrapped over two lines is marked on both.
 */
export function matchRanges(text: string, terms: readonly SearchTerm[]): [number, number][] {
  const words = new Set<string>();
  for (const term of terms) for (const piece of term.text.match(PIECES) ?? []) words.add([...piece].map(fold).join(''));
  if (words.size === 0) return [];
  // The folded text, and for each of its code units the offset in `text` it came from.
  let folded = '';
  const from: number[] = [];
  let offset = 0;
  for (const ch of text) {
    const f = fold(ch);
    folded += f;
    for (let i = 0; i < f.length; i++) from.push(offset);
    offset += ch.length;
  }
  from.push(offset);
  const ranges: [number, number][] = [];
  for (const word of words) {
    const anywhere = endsInCjk(word);
    for (let at = folded.indexOf(word); at >= 0; at = folded.indexOf(word, at + 1)) {
      if (!anywhere && at > 0 && /[\p{L}\p{N}]/u.test(folded[at - 1]!)) continue;
      ranges.push([from[at]!, from[at + word.length]!]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}
