/**
 * parse/fast-tree.ts, the fast first pass: whenever it gives a tree, that tree is exactly the strict
 * parse's (xml2js over sax: values, key order, null prototypes) and normalizes to the same feed; and it
 * gives null for everything it must leave to the strict parse.
 * - every feed-like fixture (byte copies of public test suites' feeds, each attributed in SOURCES.md);
 * - the project's feed farm (test/support/farm/): healthy, faulty and hostile feeds;
 * - targeted documents for each thing the fast pass refuses, and for each xml2js rule it reproduces.
 * test/fast-tree-mutation.test.ts adds seeded mutations of the fixtures.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFeedBytes } from '../source/core/charset.js';
import { parseXmlFast } from '../source/core/parse/fast-tree.js';
import { startFarm, type Farm } from './support/farm/index.js';
import { ROOT } from './reliability/helpers.js';
import { expectFastMatchesStrict, filesUnder, isFeedFile, strictOutcome } from './support/xml-trees.js';

const FIXTURES = path.join(ROOT, 'test/fixtures');

/** Text as the reader hands it to parse.ts: decoded by charset, one BOM stripped (parse.ts does that). */
function feedText(bytes: Uint8Array, contentType: string | null): string {
  const text = decodeFeedBytes(bytes, contentType);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

describe('every feed-like fixture', () => {
  const files = filesUnder(FIXTURES, isFeedFile);
  /** The fixtures the strict parse must decide: each is ill-formed XML, not a single document, or has a DOCTYPE. */
  const EXPECTED_FALLBACKS = [
    'corpus/feedparser/always_strip_doctype.xml', // a DOCTYPE (the fast pass reads none)
    'corpus/malformed/feed-rs_rss_2.0_invalid_1.xml', // unclosed tags
    'corpus/malformed/gofeed_empty_feed.xml', // no document element
    'corpus/malformed/saxerror-unescaped-amp.xml', // bare &
    'corpus/rss-parser-golden/input/unrecognized.rss', // <head> and <body>: two root elements
  ];

  it('gives the strict tree, or null only for the ill-formed ones', () => {
    const fallbacks: string[] = [];
    for (const file of files) {
      const name = path.relative(FIXTURES, file);
      if (!expectFastMatchesStrict(feedText(fs.readFileSync(file), null), name)) fallbacks.push(name);
    }
    console.log(`fast-tree fixtures: ${files.length - fallbacks.length} of ${files.length} on the fast path; fell back: ${fallbacks.join(', ')}`);
    expect(files.length).toBeGreaterThanOrEqual(60);
    expect(fallbacks).toEqual(EXPECTED_FALLBACKS);
  });

  it('are each attributed in SOURCES.md: a byte copy (its sha256 in the row naming it) or written for the tests', () => {
    const sources = fs.readFileSync(path.join(FIXTURES, 'SOURCES.md'), 'utf8');
    const rows = sources.split('\n').filter((line) => line.startsWith('| `'));
    const written = sources.slice(sources.indexOf('Written for these tests'));
    const unattributed: string[] = [];
    let copies = 0;
    for (const file of files) {
      const name = path.basename(file);
      const sha = createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 12);
      const named = rows.filter((row) => row.includes(`${name}\``));
      if (named.some((row) => row.includes(sha))) copies++;
      else if (named.length > 0 || !written.includes(`\`${name}\``)) unattributed.push(`${path.relative(FIXTURES, file)} (sha256 ${sha})`);
    }
    expect(unattributed).toEqual([]);
    expect(copies).toBeGreaterThanOrEqual(60);
  });
});

describe('the feed farm (healthy, faults, hostile)', () => {
  /** Faults that never send a whole body (or send a broken gzip stream), and the streamed huge feed. */
  const UNREADABLE = new Set(['hang', 'stall', 'slow', 'redirect-loop', 'bad-gzip']);
  let farm: Farm;

  beforeAll(async () => {
    farm = await startFarm({ feeds: 240, items: 12, faults: true, hostile: true, hugeMiB: 2 });
  }, 90_000);

  afterAll(() => farm?.close());

  it('gives the strict tree for most feeds, and null only where the strict parse fails', async () => {
    const faultOf = new Map(Object.entries(farm.faulty).map(([kind, url]) => [url, kind]));
    let fast = 0;
    const fallbacks: string[] = [];
    for (const url of farm.urls) {
      if (UNREADABLE.has(faultOf.get(url) ?? '')) continue;
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) continue;
      const text = feedText(new Uint8Array(await res.arrayBuffer()), res.headers.get('content-type'));
      if (expectFastMatchesStrict(text, url)) {
        fast++;
        continue;
      }
      fallbacks.push(faultOf.get(url) ?? url);
      expect('error' in strictOutcome(text), `${url} fell back, but the strict parse reads it`).toBe(true);
    }
    console.log(`fast-tree farm: ${fast} feeds on the fast path, ${fallbacks.length} fell back: ${fallbacks.sort().join(', ')}`);
    expect(fast).toBeGreaterThan(200);
  }, 90_000);
});

/** Documents the fast pass must leave to the strict parse (most of them sax rejects; see fast-tree.ts). */
const REFUSED: [string, string][] = [
  ['a close tag that is not the innermost element', '<rss><a></b></a></rss>'],
  ['mis-nested elements', '<rss><a><b></a></b></rss>'],
  ['an element left open', '<rss><channel></channel>'],
  ['a cut inside the last close tag', '<rss></rss'],
  ['no document element', '<?xml version="1.0"?>\n<!-- nothing -->\n'],
  ['a second root element', '<head></head>\n<body></body>'],
  ['text before the root', 'Warning: x<rss></rss>'],
  ['text after the root', '<rss></rss>junk'],
  ['a no-break space before the root (sax knows four whitespace characters)', '\u00a0<rss></rss>'],
  ['CDATA outside the root', '<rss></rss><![CDATA[x]]>'],
  ['a leading byte order mark', '\ufeff<rss></rss>'],
  ['`<` in text', '<rss>a < b</rss>'],
  ['`< a>` (sax reads a tag, the tokenizer text)', '<rss>< a></a></rss>'],
  ['`<` before a digit', '<rss><1/></rss>'],
  ['`</>`', '<rss><a></></a></rss>'],
  ['`</ a>`', '<rss><a></ a></rss>'],
  ['junk in a close tag', '<rss><a></a b></rss>'],
  ['a form feed in a tag', '<rss\f></rss>'],
  ['an unquoted attribute', '<rss version=2.0></rss>'],
  ['a valueless attribute', '<rss checked></rss>'],
  ['no whitespace between attributes', '<rss a="1"b="2"></rss>'],
  ['`/ >`', '<rss><a / ></rss>'],
  ['a slash inside a tag', '<rss><a/b></a></rss>'],
  ['a name sax does not allow', '<rss><a$b/></rss>'],
  ['an astral character in a name', '<rss><a\u{1f600}/></rss>'],
  ['a duplicate attribute', '<rss a="1" a="2"></rss>'],
  ['an attribute named __proto__', '<rss __proto__="x"></rss>'],
  ['an attribute named hasOwnProperty', '<rss hasOwnProperty="x" b="y"></rss>'],
  ['an element named _ (xml2js text key)', '<rss><_>x</_></rss>'],
  ['an element named cdata (xml2js CDATA flag)', '<rss><cdata>x</cdata></rss>'],
  ['an element named __proto__', '<rss><__proto__/></rss>'],
  ['a bare &', '<rss>AT&T</rss>'],
  ['& without ;', '<rss>&amp</rss>'],
  ['an HTML entity (sax decodes HTML 4 names)', '<rss>&nbsp;</rss>'],
  ['an upper-case XML entity (sax reads it)', '<rss>&AMP;</rss>'],
  ['&#X41; (sax reads it)', '<rss>&#X41;</rss>'],
  ['a reference to ESC', '<rss>&#27;</rss>'],
  ['a reference to NUL', '<rss>&#0;</rss>'],
  ['a reference to a surrogate', '<rss>&#xD800;</rss>'],
  ['a reference beyond Unicode', '<rss>&#x110000;</rss>'],
  ['an empty numeric reference', '<rss>&#;</rss>'],
  ['an HTML entity in an attribute', '<rss a="&nbsp;"></rss>'],
  ['a bare & in an attribute', '<rss a="x&y"></rss>'],
  ['a DOCTYPE', '<!DOCTYPE rss>\n<rss></rss>'],
  ['a DOCTYPE declaring entities', '<!DOCTYPE rss [<!ENTITY a "b">]>\n<rss>&a;</rss>'],
  ['another declaration', '<rss><!ELEMENT x ANY></rss>'],
  ['`]]>` in text', '<rss>a]]>b</rss>'],
  ['`--` in a comment', '<rss><!-- a -- b --></rss>'],
  ['a comment ending in `--->`', '<rss><!-- a ---></rss>'],
  ['a comment ended with `--!>`', '<rss><!-- a --!></rss>'],
  ['an unterminated comment', '<rss></rss><!-- a'],
  ['an unterminated CDATA section', '<rss><![CDATA[x</rss>'],
  ['lower-case `<![cdata[` (sax reads it)', '<rss><![cdata[x]]></rss>'],
  ['a processing instruction holding `??`', '<?xml version="1.0"??><rss></rss>'],
];

describe('refuses', () => {
  for (const [what, xml] of REFUSED) {
    it(what, () => {
      expect(parseXmlFast(xml)).toBeNull();
    });
  }
});

/** Documents whose strict tree the fast pass reproduces: one per xml2js / sax rule that shapes a tree. */
const REPRODUCED: [string, string][] = [
  ['self-closing and empty elements are ""', '<rss><a/><b></b></rss>'],
  ['the document element alone: {feed: ""}', '<feed/>'],
  ['a root holding only text', '<rss>text</rss>'],
  ['whitespace-only text is the value of an otherwise empty element', '<rss><a>  \n </a><b x="1">  </b></rss>'],
  ['xml2js counts Unicode spaces as whitespace', '<rss><a>\u00a0</a><b>\u2003x</b></rss>'],
  ['text around child elements is joined', '<rss><description>a<b>x</b>c<i/>d</description></rss>'],
  [
    'CDATA and text mix; CDATA keeps whitespace; empty CDATA does not',
    '<rss><a> <![CDATA[<p>x</p>]]> &amp; </a><b x="1"><![CDATA[ ]]></b><c y="2"> <![CDATA[]]> </c></rss>',
  ],
  ['CDATA ending in ]]]>', '<rss><a><![CDATA[x]]]></a></rss>'],
  ['CR and LF stay as written, in text and attributes', '<rss a="1\r\n2\t3">\r\n<b>x\r\ny</b>\r</rss>'],
  [
    'namespace prefixes stay in names, xmlns attributes are kept',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item rdf:about="x"><dc:date xmlns:dc="d">2020</dc:date></item></rdf:RDF>',
  ],
  ['an element with attributes only', '<feed><link href="x" rel="alternate"/></feed>'],
  ['references decoded once, in text and attributes', '<rss a="&lt;&#x26;&#38;&quot;&apos;&gt;">&lt;p&gt;&#233;&#x1F600;&#0065;&amp;amp;</rss>'],
  ['single quotes, spaces around =, < and > in values', `<rss a = 'x"y' b="<>"  ></rss>`],
  [
    'Atom xhtml content',
    '<feed><entry><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>a <b>b</b></p><p>c</p></div></content></entry></feed>',
  ],
  ['repeated children: arrays, in order of first appearance', '<rss><channel><item><t>1</t></item><x/><item><t>2</t></item></channel></rss>'],
  [
    'prolog and epilog: declaration, PIs, comments, whitespace',
    '<?xml version="1.0"?>\n<?xml-stylesheet href="a.xsl?v=1"?>\n<!-- c -->\n<rss><!----><?pi x?>x</rss>\n<!-- generated in 0.1 s -->\n',
  ],
  ['non-ASCII names, and . - digits in names', '<rss><título>x</título><a.b-c1>y</a.b-c1></rss>'],
  ['whitespace before > in tags', '<rss><a>x</a  \n><b x="1" /></rss>'],
  ['elements named like Object members', '<rss><constructor>x</constructor><toString/><hasOwnProperty/></rss>'],
];

describe('reproduces', () => {
  for (const [what, xml] of REPRODUCED) {
    it(what, () => {
      expect(expectFastMatchesStrict(xml, what)).toBe(true);
    });
  }
});
