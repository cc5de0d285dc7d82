/**
 * Running the settings' `filters` over a refreshed feed's new articles: which are stored hidden, read,
 * starred or tagged. The parse workers run this as they store a feed (workers/save-job.ts), with the
 * filter specs posted in each job and compiled here, once per worker.
 *
 * No expression may hang a refresh. V8's regular expressions backtrack, so `(a+)+$` against a long run
 * of a's runs for minutes, and the linear-time engine V8 offers is no way out for us: it is behind a
 * process flag, refuses backreferences and lookarounds, and cannot run the `i` flag every filter uses.
 * So the matching runs inside vm's runInContext with a timeout, which interrupts a running expression
 * (measured: (a+)+$ and (x+x+)+y on 50 KB stopped 0 to 30 ms past their budget). One call does a
 * whole feed's new articles for every filter, because each call costs 0.2-0.6 ms here (a watchdog
 * thread per call; 0.004 ms without a timeout); a filter over its budget is skipped for that feed, with one warning naming it, and
 * the refresh goes on. The patterns are the only user input: no user code is ever evaluated.
 */
import vm from 'node:vm';
import { htmlToText } from './parse.js';
import { FILTER_FLAGS, filterName, MATCH_KEYS, parseAction, type FilterAction, type FilterSpec, type MatchKey } from './filter-specs.js';
import type { Article, ParsedFeed } from './types.js';

export interface CompiledFilter {
  name: string;
  /** The expressions given, by the field each matches; all of them must match (AND). */
  match: Partial<Record<MatchKey, RegExp>>;
  action: FilterAction;
}

/** What the filters decided for one new article. */
export interface FilterDecision {
  hidden: boolean;
  read: boolean;
  starred: boolean;
  tags: string[];
}

/** The feed a batch of articles comes from: what `feed` and `tag` match. */
export interface FilterFeed {
  /** The feed's URL and its titles (the one in the settings, the one the feed gives itself). */
  names: string[];
  tags: string[];
}

export interface FilterResult {
  /** Only the articles some filter matched. */
  decisions: Map<Article, FilterDecision>;
  /** One line per filter skipped for this feed. */
  warnings: string[];
}

/**
 * The time one filter may take over one feed's new articles: a fixed part, plus 1 ms for every 10,000
 * characters of what it searches, so a legitimate expression over a 20 MB feed's texts is not cut short.
 */
export const budgetMs = (chars: number) => 200 + Math.ceil(chars / 10_000);

/** Specs to expressions; an expression that does not compile (the settings check them) is left out. */
export function compileFilters(specs: readonly FilterSpec[]): CompiledFilter[] {
  const compiled: CompiledFilter[] = [];
  for (const [index, spec] of specs.entries()) {
    const action = parseAction(spec.action);
    const match: CompiledFilter['match'] = {};
    try {
      for (const key of MATCH_KEYS) if (spec.match[key] !== undefined) match[key] = new RegExp(spec.match[key]!, FILTER_FLAGS);
    } catch {
      continue;
    }
    if (action && Object.keys(match).length > 0) compiled.push({ name: filterName(index), match, action });
  }
  return compiled;
}

/** A worker compiles a refresh's filters once, not once per feed: the specs come with every job. */
let cached: { key: string; filters: CompiledFilter[] } | undefined;
export function compiledFilters(specs: readonly FilterSpec[]): CompiledFilter[] {
  const key = JSON.stringify(specs);
  if (cached?.key !== key) cached = { key, filters: compileFilters(specs) };
  return cached.filters;
}

/** What judging a feed needs from the cache (Store.filterInput): its names and tags, and what it lacks. */
export interface FilterSource {
  filterInput(url: string, articles: readonly Article[]): { names: string[]; tags: string[]; unseen: Article[] };
}

/**
 * The filters' verdicts on a parsed feed's articles the cache does not hold yet. Judged before the
 * feed's transaction, so a slow expression never holds the other workers' write lock.
 */
export function filterFeed(source: FilterSource, feedUrl: string, feed: ParsedFeed, specs: readonly FilterSpec[]): FilterResult {
  const input = source.filterInput(feedUrl, feed.articles);
  const names = feed.title ? [...input.names, feed.title] : input.names;
  return applyFilters(compiledFilters(specs), { names, tags: input.tags }, input.unseen);
}

/** The matching runs here; `task` is set before each run, so no code but this line ever runs in it. */
const context = vm.createContext({ task: () => {} });
const runTask = new vm.Script('task()');

interface Subjects {
  title: string[];
  author: string[];
  text: string[] | null;
  chars: Record<'title' | 'author' | 'text', number>;
}

/** The filters' verdicts on `articles`, all new in `feed`. */
export function applyFilters(filters: readonly CompiledFilter[], feed: FilterFeed, articles: readonly Article[]): FilterResult {
  const result: FilterResult = { decisions: new Map(), warnings: [] };
  if (filters.length === 0 || articles.length === 0) return result;
  const subjects = subjectsOf(filters, articles);
  const hits: (Uint8Array | null)[] = filters.map(() => null);
  // Each run goes on from `next`; a run interrupted in filter k blames k only if k ran alone from the
  // start of the run, else k runs again first in a run of its own, with the whole budget.
  let next = 0;
  while (next < filters.length) {
    const first = next;
    let running = first;
    context.task = () => {
      for (running = first; running < filters.length; running++) {
        hits[running] = matchOne(filters[running]!, feed, subjects, articles.length);
        next = running + 1;
      }
    };
    try {
      runTask.runInContext(context, { timeout: budgetMs(searchedChars(filters[first]!, subjects)) });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
      if (running === first) {
        result.warnings.push(
          `${filters[first]!.name} took too long (over ${budgetMs(searchedChars(filters[first]!, subjects))} ms) and was skipped for this feed`,
        );
        next = first + 1;
      } else next = running;
    } finally {
      context.task = () => {};
    }
  }
  for (const [k, filter] of filters.entries()) {
    const matched = hits[k];
    if (!matched) continue;
    for (let i = 0; i < articles.length; i++) if (matched[i]) decide(result.decisions, articles[i]!, filter.action);
  }
  return result;
}

/** One filter over every article: 1 where all its expressions match. Feed-level keys are tested once. */
function matchOne(filter: CompiledFilter, feed: FilterFeed, subjects: Subjects, count: number): Uint8Array {
  const hits = new Uint8Array(count);
  const { feed: byFeed, tag: byTag, title, author, text } = filter.match;
  if (byFeed && !feed.names.some((name) => byFeed.test(name))) return hits;
  if (byTag && !feed.tags.some((tag) => byTag.test(tag))) return hits;
  for (let i = 0; i < count; i++) {
    hits[i] = (!title || title.test(subjects.title[i]!)) && (!author || author.test(subjects.author[i]!)) && (!text || text.test(subjects.text![i]!)) ? 1 : 0;
  }
  return hits;
}

function subjectsOf(filters: readonly CompiledFilter[], articles: readonly Article[]): Subjects {
  // Stripping HTML costs more than matching: only when some filter reads the text.
  const text = filters.some((f) => f.match.text) ? articles.map((a) => htmlToText(a.html, false)) : null;
  const title = articles.map((a) => a.title);
  const author = articles.map((a) => a.author);
  const sum = (list: string[] | null) => (list ?? []).reduce((n, s) => n + s.length, 0);
  return { title, author, text, chars: { title: sum(title), author: sum(author), text: sum(text) } };
}

function searchedChars(filter: CompiledFilter, subjects: Subjects): number {
  return (filter.match.title ? subjects.chars.title : 0) + (filter.match.author ? subjects.chars.author : 0) + (filter.match.text ? subjects.chars.text : 0);
}

function decide(decisions: Map<Article, FilterDecision>, article: Article, action: FilterAction): void {
  const decision = decisions.get(article) ?? { hidden: false, read: false, starred: false, tags: [] };
  decisions.set(article, decision);
  if (action.kind === 'hide') decision.hidden = decision.read = true;
  else if (action.kind === 'read') decision.read = true;
  else if (action.kind === 'star') decision.starred = true;
  else if (!decision.tags.includes(action.tag)) decision.tags.push(action.tag);
}
