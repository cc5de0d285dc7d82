/** The feed's own reload interval, read by the parser: RSS <ttl>, sy:updatePeriod / sy:updateFrequency. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFeedSync } from '../source/core/parse.js';

const corpus = (name: string) => readFileSync(fileURLToPath(new URL(`fixtures/corpus/${name}`, import.meta.url)), 'utf8');
const SY = 'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"';
const rss = (channel: string, ns = SY) =>
  `<?xml version="1.0"?><rss version="2.0" ${ns}><channel><title>T</title><link>https://example.org/</link>${channel}` +
  '<item><title>One</title><guid>1</guid></item></channel></rss>';
const interval = (xml: string) => parseFeedSync(xml, 'https://example.org/feed').minReloadMinutes;

describe('a feed’s own reload interval', () => {
  it('reads <ttl> in minutes', () => {
    expect(interval(rss('<ttl>90</ttl>'))).toBe(90);
  });

  it('reads sy:updatePeriod divided by sy:updateFrequency', () => {
    expect(interval(rss('<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>'))).toBe(30);
    expect(interval(rss('<sy:updatePeriod> Daily </sy:updatePeriod>'))).toBe(1440);
    // A frequency of 0 or junk is the module's default, 1.
    expect(interval(rss('<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>0</sy:updateFrequency>'))).toBe(60);
  });

  it('takes the longer of the two when a feed states both', () => {
    expect(interval(rss('<ttl>15</ttl><sy:updatePeriod>hourly</sy:updatePeriod>'))).toBe(60);
    expect(interval(rss('<ttl>120</ttl><sy:updatePeriod>hourly</sy:updatePeriod>'))).toBe(120);
  });

  it('clamps what it reads to a day', () => {
    expect(interval(rss('<sy:updatePeriod>weekly</sy:updatePeriod>'))).toBe(1440);
    expect(interval(rss('<ttl>5256000</ttl>'))).toBe(1440);
  });

  it('ignores junk, zero and negative values', () => {
    for (const channel of ['<ttl>soon</ttl>', '<ttl>0</ttl>', '<ttl>-5</ttl>', '<ttl/>', '<sy:updatePeriod>fortnightly</sy:updatePeriod>', '']) {
      expect(interval(rss(channel)), channel).toBeUndefined();
    }
  });

  it('finds the syndication module under another prefix', () => {
    expect(interval(rss('<syn:updatePeriod>hourly</syn:updatePeriod>', 'xmlns:syn="http://purl.org/rss/1.0/modules/syndication/"'))).toBe(60);
  });

  it('reads the syndication module in an Atom feed and in RSS 1.0', () => {
    const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" ${SY}><title>A</title><sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency><entry><id>1</id><title>x</title></entry></feed>`;
    expect(interval(atom)).toBe(360);
    const rdf =
      `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" ${SY}>` +
      '<channel><title>R</title><sy:updatePeriod>hourly</sy:updatePeriod></channel><item><title>x</title><link>https://example.org/1</link></item></rdf:RDF>';
    expect(interval(rdf)).toBe(60);
  });

  it('reads real feeds: WordPress (sy:, with whitespace) and a feed with <ttl>', () => {
    expect(interval(corpus('wordpress/manton.rss'))).toBe(60);
    expect(interval(corpus('wordpress/feed-rs_rss_2.0_example_4.xml'))).toBe(60);
    expect(interval(corpus('rss-parser-golden/input/customfields.rss'))).toBe(10);
  });
});
