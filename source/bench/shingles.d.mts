/** Types for shingles.mjs (used by test/page-accuracy.test.ts). */
export type PageScore = [tp: number, fp: number, fn: number];
export function shingles(text: string, n?: number): Map<string, number>;
export function pageScore(truth: string, predicted: string): PageScore;
export function corpusScore(scores: PageScore[]): { f1: number; precision: number; recall: number };
export function pageF1(score: PageScore): number;
