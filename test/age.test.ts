/** core/age.ts: the one age formatter of the reader and the headless output. */
import { describe, expect, it } from 'vitest';
import { ageInWords, dateWithAge, relativeAge } from '../source/core/age.js';

const now = Date.parse('2026-11-25T12:00:00Z');
const ago = (seconds: number) => now - seconds * 1000;

describe('relativeAge', () => {
  it('is short: now, minutes, hours, days, weeks, then a date this year, then the year', () => {
    expect(relativeAge(ago(30), now)).toBe('now');
    expect(relativeAge(ago(5 * 60), now)).toBe('5m');
    expect(relativeAge(ago(3 * 3600), now)).toBe('3h');
    expect(relativeAge(ago(2 * 86400), now)).toBe('2d');
    expect(relativeAge(ago(3 * 7 * 86400), now)).toBe('3w');
    expect(relativeAge('2026-03-04T10:00:00Z', now)).toBe('Mar 4');
    expect(relativeAge('2019-06-01T00:00:00Z', now)).toBe('2019');
  });

  it('is empty for no date or one that does not parse; a future date is now', () => {
    expect(relativeAge(null, now)).toBe('');
    expect(relativeAge('soon', now)).toBe('');
    expect(relativeAge(now + 3600_000, now)).toBe('now');
  });
});

describe('dateWithAge', () => {
  it('gives the age beside the date only while the age says more than the date', () => {
    expect(dateWithAge('2026-11-25T09:00:00Z', now)).toBe('2026-11-25 (3h)');
    expect(dateWithAge('2026-11-04T12:00:00Z', now)).toBe('2026-11-04 (3w)');
    expect(dateWithAge('2026-03-04T10:00:00Z', now)).toBe('2026-03-04');
    expect(dateWithAge('2017-07-07T00:00:00Z', now)).toBe('2017-07-07');
    expect(dateWithAge(null, now)).toBe('');
  });
});

describe('ageInWords', () => {
  it('says seconds, minutes, hours, then days', () => {
    expect(ageInWords(45_000)).toBe('45 s');
    expect(ageInWords(4 * 60_000)).toBe('4 min');
    expect(ageInWords(3 * 3600_000)).toBe('3 h');
    expect(ageInWords(2 * 86400_000)).toBe('2 days');
  });
});
