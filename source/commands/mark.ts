/** `broadsheet mark read|unread|star|unstar ID...`: each call commits at once. */
import type { Context } from './context.js';
import { UsageError } from './context.js';
import type { ParsedArgs } from './args.js';
import { applyMark, markDone, type MarkOp } from '../core/marks.js';

export function markCommand(ctx: Context, args: ParsedArgs): number {
  const [action, ...rest] = args.positional;
  if (!action || !['read', 'unread', 'star', 'unstar'].includes(action)) {
    throw new UsageError('usage: broadsheet mark read|unread|star|unstar ID...');
  }
  if (rest.length === 0) throw new UsageError(`usage: broadsheet mark ${action} ID...`);
  const ids = rest.map((id) => {
    if (!/^\d+$/.test(id)) throw new UsageError(`not an article id: ${id} (ids are the numbers 'broadsheet articles' prints)`);
    return Number(id);
  });
  const store = ctx.store();
  const known = store.existingIds(ids);
  const missing = ids.filter((id) => !known.has(id));
  const found = ids.filter((id) => known.has(id));
  const changed = applyMark(store, found, action as MarkOp);
  for (const id of missing) ctx.err.write(`broadsheet: no article with id ${id}\n`);
  ctx.err.write(`${changed} article${changed === 1 ? '' : 's'} marked ${markDone(action as MarkOp).replace(/^marked /, '')}\n`);
  return missing.length > 0 ? 1 : 0;
}
