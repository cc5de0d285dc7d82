/**
 * The article-extraction benchmark's score (scrapinghub/article-extraction-benchmark, evaluate.py),
 * for source/bench/fulltext.mjs and test/page-accuracy.test.ts: the text split into `\w+` tokens (case
 * kept), 4-token shingles counted, and per page true positives, false positives and false negatives
 * normalised to sum to 1, so that a long page weighs no more than a short one. Precision and recall
 * are averaged over the pages, and F1 is taken of the two averages.
 */

// Python's `\w` with re.UNICODE: what str.isalnum() accepts (letters and numbers), and the underscore.
const TOKEN = /[\p{L}\p{N}_]+/gu;

/** Shingle counts of a text: `n` consecutive tokens joined by a space (a text shorter than n is one shingle). */
export function shingles(text, n = 4) {
  const tokens = (text ?? '').match(TOKEN) ?? [];
  const counts = new Map();
  for (let i = 0; i < Math.max(1, tokens.length - n + 1); i++) {
    const key = tokens.slice(i, i + n).join(' ');
    if (key !== '') counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** One page: [tp, fp, fn], normalised to sum to 1 (all 0 when both texts are empty). */
export function pageScore(truth, predicted) {
  const a = shingles(truth);
  const b = shingles(predicted);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const t = a.get(key) ?? 0;
    const p = b.get(key) ?? 0;
    tp += Math.min(t, p);
    fp += Math.max(0, p - t);
    fn += Math.max(0, t - p);
  }
  const sum = tp + fp + fn;
  return sum > 0 ? [tp / sum, fp / sum, fn / sum] : [0, 0, 0];
}

const precisionOf = ([tp, fp, fn]) => (fp === 0 && fn === 0 ? 1 : tp === 0 && fp === 0 ? 0 : tp / (tp + fp));
const recallOf = ([tp, fp, fn]) => (fp === 0 && fn === 0 ? 1 : tp === 0 && fn === 0 ? 0 : tp / (tp + fn));

/** Precision, recall and F1 over pages' [tp, fp, fn]: pages with nothing predicted (or nothing true) skip that mean. */
export function corpusScore(scores) {
  const mean = (xs) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
  const precision = mean(scores.filter(([tp, fp]) => tp + fp > 0).map(precisionOf));
  const recall = mean(scores.filter(([tp, , fn]) => tp + fn > 0).map(recallOf));
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { f1, precision, recall };
}

/** F1 of one page alone. */
export function pageF1(score) {
  const p = precisionOf(score);
  const r = recallOf(score);
  return p + r > 0 ? (2 * p * r) / (p + r) : 0;
}
