/**
 * The comments pane's list of an article's discussions, as pure state: which one is shown (`]` and
 * `[` move through them; a choice made is kept), and the header that lists them with the state of
 * each service asked. Tested without Ink.
 */
import { defaultDiscussion, outcomeLine, sourceName, type ListedDiscussion, type LookupServiceName, type ServiceOutcome } from '../../core/discussions.js';
import { ageInWords, fit, relativeAge } from '../format.js';

export interface DiscussionList {
  entries: readonly ListedDiscussion[];
  /** Index of the one shown, or -1. */
  current: number;
  /** The reader chose it (]/[, or remembered from an earlier visit): a lookup does not change it. */
  chosen: boolean;
  services: readonly ServiceOutcome[];
  /** Services being asked right now. */
  asking: readonly LookupServiceName[];
  /** Whether any service may be asked about this article at all. */
  lookupOn: boolean;
}

/** The list for an article as it opens: the remembered choice if it is still there, else the default. */
export function initialList(
  entries: readonly ListedDiscussion[],
  remembered: string | undefined,
  rest: Omit<DiscussionList, 'entries' | 'current' | 'chosen'>,
): DiscussionList {
  const at = remembered ? entries.findIndex((e) => e.key === remembered) : -1;
  return { ...rest, entries, current: at >= 0 ? at : defaultDiscussion(entries), chosen: at >= 0 };
}

/**
 * New entries (a lookup answered, a thread's count changed): the shown discussion stays shown; when
 * the reader has not chosen, the default may change (nothing was shown, or the own one proved empty).
 */
export function updateList(
  list: DiscussionList,
  entries: readonly ListedDiscussion[],
  rest: Omit<DiscussionList, 'entries' | 'current' | 'chosen'>,
): DiscussionList {
  const shownKey = list.entries[list.current]?.key;
  const kept = shownKey === undefined ? -1 : entries.findIndex((e) => e.key === shownKey);
  const fallback = defaultDiscussion(entries);
  let current = kept >= 0 ? kept : fallback;
  if (!list.chosen && kept >= 0) {
    const shown = entries[kept]!;
    // An own discussion known to be empty gives way to a thread with comments.
    if (shown.own && shown.ref.comments === 0 && fallback >= 0 && !entries[fallback]!.own) current = fallback;
  }
  return { ...rest, entries, current, chosen: list.chosen && kept >= 0 };
}

/** `]` (+1) and `[` (-1), round the list; the choice is the reader's from now on. */
export function cycle(list: DiscussionList, by: 1 | -1): DiscussionList {
  const n = list.entries.length;
  if (n === 0) return list;
  const from = list.current < 0 ? (by === 1 ? -1 : 0) : list.current;
  return { ...list, current: (from + by + n) % n, chosen: true };
}

const names = (services: readonly string[]) => {
  const list = services.map((s) => sourceName(s as LookupServiceName));
  return list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
};

function entryLine(e: ListedDiscussion, selected: boolean, now: number): string {
  const { ref } = e;
  const count = ref.comments === null ? 'comments' : `${ref.comments} comment${ref.comments === 1 ? '' : 's'}`;
  const age = relativeAge(ref.published, now);
  return [`${selected ? '▸' : ' '} ${sourceName(ref.source)}${ref.where ? ` ${ref.where}` : ''}`, count, ...(age ? [age] : [])].join(' · ');
}

/** Most entries the header lists; the rest are reached with ] and [. */
export const MAX_LISTED = 6;

/**
 * The header lines above the comments: every discussion (the shown one marked) when there is more
 * than one, one line per failed or rate-limited service, and what is being asked.
 */
export function listHeader(
  list: DiscussionList,
  now: number,
  width: number,
  say: { keys: { next: string; prev: string }; none?: string } = { keys: { next: ']', prev: '[' } },
): string[] {
  const lines: string[] = [];
  const { entries } = list;
  if (entries.length > 1) {
    lines.push(`${entries.length} discussions — ${say.keys.next} next, ${say.keys.prev} previous`);
    const start = Math.max(0, Math.min(list.current - Math.floor(MAX_LISTED / 2), entries.length - MAX_LISTED));
    const shown = entries.slice(start, start + MAX_LISTED);
    for (const [i, e] of shown.entries()) lines.push(entryLine(e, start + i === list.current, now));
    const hidden = entries.length - shown.length;
    if (hidden > 0) lines.push(`  … ${hidden} more`);
  }
  for (const o of list.services) {
    const line = outcomeLine(o, now, ageInWords);
    if (line) lines.push(line);
  }
  if (list.asking.length > 0) lines.push(`Asking ${names(list.asking)} where this was submitted…`);
  else if (entries.length === 0) {
    const answered = list.services.filter((s) => !s.error).map((s) => s.service);
    // The feed counts comments that live on the article's page: say so, whatever the services said.
    if (say.none) lines.push(say.none);
    if (list.lookupOn && answered.length > 0) lines.push(`No discussion found on ${names(answered)}.`);
    // Failures have their own lines; a "none" beside them would be a guess.
    else if (!say.none && !list.services.some((s) => s.error)) lines.push('This article has no discussion.');
  }
  return lines.map((l) => fit(l, width));
}
