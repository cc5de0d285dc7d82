/** Types for ink-rows.js (plain JavaScript: it is loaded into Ink's output.js by the bundle). */
export interface InkTextTools {
  tokenize: (text: string) => unknown[];
  styledCharsFromTokens: (tokens: never[]) => { value: string }[];
  styledCharsToString: (chars: never[]) => string;
  stringWidth: (text: string) => number;
}
export interface InkOperation {
  type: string;
  x?: number;
  y?: number;
  text?: string;
  transformers?: unknown[];
  clip?: unknown;
}
export function composeRows(width: number, height: number, operations: InkOperation[], ink: InkTextTools): { output: string; height: number } | null;
