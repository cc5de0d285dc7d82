/** Types for build.mjs, for the tests that import it. */
export function patchInkOutput(source: string): string;
export function bundle(): Promise<void>;
export function patchStringWidth(source: string): string;
