import { describe, expect, it } from 'vitest';
import { bottom, emptyWindow, fit, moveBy, reanchor, resize, scrollBy, setCount, top } from '../../source/ui/state/list-window.js';

const w = (count: number, height: number, cursor = 0, offset = 0) => ({ count, height, cursor, offset });

describe('list window', () => {
  it('keeps the cursor inside the list and on screen', () => {
    expect(moveBy(w(100, 10), -1)).toEqual(w(100, 10, 0, 0));
    expect(moveBy(w(100, 10, 9), 1)).toEqual(w(100, 10, 10, 1));
    expect(bottom(w(100, 10))).toEqual(w(100, 10, 99, 90));
    expect(top(w(100, 10, 99, 90))).toEqual(w(100, 10, 0, 0));
    expect(moveBy(w(5, 10, 4), 3)).toEqual(w(5, 10, 4, 0));
  });

  it('scrolls by the least amount needed', () => {
    expect(moveBy(w(100, 10, 50, 45), -1)).toEqual(w(100, 10, 49, 45));
    expect(moveBy(w(100, 10, 45, 45), -1)).toEqual(w(100, 10, 44, 44));
  });

  it('moves the view with the cursor on half pages', () => {
    expect(scrollBy(w(100, 10, 3, 0), 5)).toEqual(w(100, 10, 8, 5));
    expect(scrollBy(w(100, 10, 95, 90), 5)).toEqual(w(100, 10, 99, 90));
    expect(scrollBy(w(100, 10, 2, 0), -5)).toEqual(w(100, 10, 0, 0));
  });

  it('re-fits after a resize so the cursor stays visible (30 -> 15 rows)', () => {
    expect(resize(w(100, 30, 29, 0), 15)).toEqual(w(100, 15, 29, 15));
    expect(resize(w(100, 15, 99, 85), 30)).toEqual(w(100, 30, 99, 70));
  });

  it('handles an empty list and a shrinking list', () => {
    expect(setCount(emptyWindow(10), 0)).toEqual(w(0, 10));
    expect(setCount(w(100, 10, 99, 90), 20)).toEqual(w(20, 10, 19, 10));
  });

  it('keeps the cursor on the same row, at the same screen line, when rows arrive above it', () => {
    // The cursor was on row 12, shown 2 lines from the top; 7 new rows came in above.
    expect(reanchor(w(100, 10, 12, 10), 107, 19)).toEqual(w(107, 10, 19, 17));
    // At the very top: the new rows stay above, off screen, and nothing moves.
    expect(reanchor(w(100, 10, 0, 0), 103, 3)).toEqual(w(103, 10, 3, 3));
  });

  it('returns the same object when nothing changes (no re-render)', () => {
    const same = w(100, 10, 5, 0);
    expect(fit(same)).toBe(same);
  });
});
