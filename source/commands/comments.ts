import type { Context } from './context.js';
import type { ParsedArgs } from './args.js';
export async function commentsCommand(_ctx: Context, _args: ParsedArgs): Promise<number> {
  throw new Error('comments: not available yet');
}
