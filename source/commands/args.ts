/** A small argument parser: flags known per command, everything else positional. */
import { UsageError } from './context.js';

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | boolean>;
}

/** `spec` maps a flag name to 'boolean' or 'value'. */
export function parseArgs(argv: string[], spec: Record<string, 'boolean' | 'value'>): ParsedArgs {
  const positional: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.replace(/^--?/, '').slice(0, eq < 0 ? undefined : eq - (arg.startsWith('--') ? 2 : 1));
    const kind = spec[name];
    if (!kind) throw new UsageError(`unknown option ${arg.slice(0, eq < 0 ? undefined : eq)}`);
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`${arg.slice(0, eq)} takes no value`);
      flags[name] = true;
    } else {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    }
  }
  return { positional, flags };
}
