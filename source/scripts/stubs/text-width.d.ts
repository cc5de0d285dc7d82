/** Types for text-width.js (plain JavaScript: it is loaded into string-width and ink-rows.js by the bundle). */
export const COMPLEX: RegExp;
export function characterWidths(widthOf: (character: string) => number): (character: string) => number;
export function simpleWidth(text: string, characterWidth: (character: string) => number): number;
