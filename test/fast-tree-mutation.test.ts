/**
 * The fast first pass (parse/fast-tree.ts) against seeded mutations of fixture feeds: characters that
 * matter to XML deleted, doubled or inserted (`<` `&` `>` `]]>` quotes, bad references, a DOCTYPE, CR,
 * comments, CDATA, tags), texts cut short, tags swapped. Whenever the fast pass gives a tree, the strict
 * parse must read the same text, to an identical tree that normalizes to the same feed: so the fast
 * pass never passes a broken feed as healthy and never changes an article. The same for short random
 * strings of markup fragments. Bounded and deterministic; RELIABILITY_SEED=N runs another seed and
 * RELIABILITY_FUZZ_CASES=N widens a run by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, prng, seedFrom } from './reliability/helpers.js';
import { expectFastMatchesStrict, strictOutcome } from './support/xml-trees.js';

const SEED = seedFrom(20260611);
/** RELIABILITY_FUZZ_CASES widens a run by hand; the default keeps CI quick. */
const CASES = Number(process.env.RELIABILITY_FUZZ_CASES) || 300;

const fixture = (name: string) => fs.readFileSync(path.join(ROOT, 'test/fixtures', name), 'utf8');

/** Small, varied seeds (each case parses its text twice), plus one holding every construct. */
const SEEDS = [
  fixture('corpus/rss-parser-golden/input/heise.atom'),
  fixture('corpus/rss-parser-golden/input/gulp-atom.atom'),
  fixture('corpus/rss-parser-golden/input/heraldsun.rss'),
  fixture('corpus/rss-parser-golden/input/pagination-links.rss'),
  fixture('corpus/wordpress/feed-rs_rss_2.0_example_4.xml'),
  fixture('corpus/blogger/salmon-test-comments.atom'),
  fixture('comments/synthetic-wordpress/post-comments.rss2.xml'),
  fixture('encoding/feed-rs_rss_1.0_iso8859.xml'),
  `<?xml version="1.0" encoding="utf-8"?>
<?xml-stylesheet type="text/xsl" href="/feed.xsl?v=2"?>
<!-- generator -->
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>Kitchen &amp; sink</title><link>https://example.org/</link>
<atom:link href="https://example.org/feed" rel="self" type="application/rss+xml" />
<item><title>A &lt;b&gt;bold&lt;/b&gt; &#8220;title&#x201D;</title><link>https://example.org/1</link>
<guid isPermaLink='false'>id-1</guid><description>Text <![CDATA[<p>html & more</p>]]> tail</description>
<content:encoded><![CDATA[<p>Body</p>]]></content:encoded><enclosure url="https://example.org/a.mp3" length="1" type="audio/mpeg"/>
</item>
<item><title/><description>a<b>x</b>c</description><?pi data?><!-- note --></item>
</channel>
</rss>
<!-- cached 0.01 s -->
`,
];

const INSERTS = [
  '<',
  '>',
  '&',
  '"',
  "'",
  '/',
  '=',
  ']]>',
  '<!--',
  '-->',
  '--',
  '?>',
  '<?',
  '\r',
  '\r\n',
  '\f',
  '\u00a0',
  '\ufeff',
  '&#1;',
  '&#27;',
  '&#0;',
  '&#xD800;',
  '&#x110000;',
  '&#65;',
  '&#x41;',
  '&#X41;',
  '&nbsp;',
  '&AMP;',
  '&amp;',
  '&bogus;',
  '&#;',
  '<!DOCTYPE rss>',
  '<!DOCTYPE rss [<!ENTITY e "x">]>',
  '&e;',
  '<![CDATA[x]]>',
  '<![CDATA[]]>',
  '<![CDATA[ ',
  '<!-- c -->',
  '<?pi x?>',
  '<?pi ??>',
  '<x>',
  '</x>',
  '<x/>',
  '< x>',
  '</ x>',
  '</>',
  '<_>',
  '<cdata>',
  ' a="1"',
  ' a=1',
  ' a',
  " a='1'",
  '<item>',
  '</item>',
  '</channel>',
  '</rss>',
  '</feed>',
  '<rss>',
  '\u{1f600}',
  'x',
];

/** A position, half the time at a character that matters to markup. */
function position(text: string, random: () => number): number {
  if (random() < 0.5) {
    for (let tries = 0; tries < 50; tries++) {
      const i = Math.floor(random() * text.length);
      if ('<>&"\'/=]-?;'.includes(text[i]!)) return i;
    }
  }
  return Math.floor(random() * (text.length + 1));
}

function mutate(text: string, random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const i = position(text, random);
  switch (Math.floor(random() * 6)) {
    case 0:
      return text.slice(0, i) + text.slice(i + 1 + Math.floor(random() * 3));
    case 1:
      return text.slice(0, i) + text.slice(i, i + 1) + text.slice(i);
    case 2:
    case 3:
      return text.slice(0, i) + pick(INSERTS) + text.slice(i);
    case 4:
      return text.slice(0, i);
    default: {
      // Swap two tags.
      const tags = [...text.matchAll(/<\/?[A-Za-z][^<>]*>/g)];
      if (tags.length < 2) return text.slice(0, i);
      const [a, b] = [pick(tags), pick(tags)].sort((x, y) => x.index - y.index) as [RegExpExecArray, RegExpExecArray];
      if (a.index === b.index) return text;
      return text.slice(0, a.index) + b[0] + text.slice(a.index + a[0].length, b.index) + a[0] + text.slice(b.index + b[0].length);
    }
  }
}

describe(`seeded mutations (seed ${SEED}, ${CASES} cases)`, () => {
  it(
    'a fast tree always equals the strict tree, and the strict parse reads the text',
    () => {
      const random = prng(SEED);
      let trees = 0;
      let strictOnly = 0;
      for (let n = 0; n < CASES; n++) {
        let text = SEEDS[n % SEEDS.length]!;
        const rounds = random() < 0.7 ? 1 : 2;
        for (let r = 0; r < rounds; r++) text = mutate(text, random);
        if (expectFastMatchesStrict(text, `case ${n} (seed ${SEED})`)) trees++;
        else if (!('error' in strictOutcome(text))) strictOnly++;
      }
      console.log(
        `fast-tree mutations: ${trees} of ${CASES} gave a tree (equal to the strict one); ` +
          `${CASES - trees} fell back, of which the strict parse read ${strictOnly}`,
      );
      // Both outcomes must be well exercised, or the property says little.
      expect(trees).toBeGreaterThan(CASES / 5);
      expect(CASES - trees).toBeGreaterThan(CASES / 5);
    },
    5_000 + CASES * 5,
  );

  it(
    'small documents from markup fragments: a fast tree always equals the strict tree',
    () => {
      // Short random strings of fragments reach the tokenizer's corners (quotes, `<!`, `<?`, references
      // next to each other) far more often per case than mutations of whole feeds do.
      const random = prng(SEED + 1);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
      let trees = 0;
      for (let n = 0; n < CASES * 10; n++) {
        let text = random() < 0.8 ? '<rss>' : '';
        for (let i = 1 + Math.floor(random() * 14); i > 0; i--) text += pick(FRAGMENTS);
        if (random() < 0.8) text += '</rss>';
        if (expectFastMatchesStrict(text, `fragments case ${n} (seed ${SEED}): ${JSON.stringify(text)}`)) trees++;
      }
      expect(trees).toBeGreaterThan(CASES);
    },
    5_000 + CASES * 10,
  );
});

const FRAGMENTS = [
  '<',
  '>',
  '/',
  '=',
  '"',
  "'",
  '&',
  ';',
  '#',
  'x',
  '41',
  'amp',
  'lt',
  '!',
  '-',
  '--',
  '?',
  '[',
  ']',
  ']]>',
  '<![CDATA[',
  '<!--',
  '-->',
  '<?',
  '?>',
  ' ',
  '\n',
  '\r',
  '\t',
  '\f',
  'a',
  'b',
  'rss',
  ':',
  '_',
  'cdata',
  '.',
  '1',
  '\u00a0',
  'é',
  '\u{1f600}',
  '<a>',
  '</a>',
  '<b>',
  '</b>',
  '<a/>',
  ' x="1"',
  " y='2'",
  '<rss>',
  '</rss>',
  '<!DOCTYPE',
  'text',
  '&amp;',
  '&#65;',
  '&#x1F600;',
];
