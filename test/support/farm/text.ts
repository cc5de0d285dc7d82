/**
 * Deterministic text for the farm's feeds: words, headlines, sentences and article HTML, all drawn
 * from a seeded PRNG, so the same seed gives the same bytes on every machine. The vocabulary mixes
 * plain English with the things real feeds carry and readers get wrong: accented and non-Latin
 * scripts, right-to-left words, emoji, and text that needs escaping (`AT&T`, `a < b`).
 */
import { prng } from '../../../source/bench/prng.mjs';

export type Rng = () => number;

/** A PRNG seeded from any list of parts (FNV-1a over their text), so each feed and item has its own stream. */
export function seeded(...parts: Array<string | number>): Rng {
  let hash = 0x811c9dc5;
  for (const ch of parts.join('\u0001')) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return prng(hash);
}

export const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
export const between = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

const WORDS = `a about after again against all also an and any are around as at away back be because been
before being below between both but by can city come could day did do does down during each early even
every few first for from get give good great had has have her here him his how if in into is it its just
know last late less like little long look made make many may more most much must my near never new next
night no not now of off old on once one only open or other our out over own part people place plan point
public read real right same say see she should show small so some soon still such take than that the
their them then there these they thing think this those three through time to today too two under until
up upon us use very want was water way we week well were what when where which while who why will with
without work world would year yet you young release kernel compiler database parser renderer protocol
terminal library framework patch commit branch benchmark latency cache index stream socket thread process
signal buffer widget plugin module package deploy review budget council election harbour railway bridge
forest island satellite telescope vaccine battery solar turbine river valley museum festival orchestra
recipe bakery garden market village ferry glacier volcano lighthouse archive manuscript`.split(/\s+/);

/** Non-ASCII words a UTF-8 feed carries: accents, Cyrillic, Greek, CJK, Hebrew, Arabic, Devanagari, emoji. */
const INTERNATIONAL = [
  'Ångström',
  'crème brûlée',
  'Gdańsk',
  'Reykjavík',
  'Şişli',
  'Dvořák',
  'Ljubljana',
  'Санкт-Петербург',
  'Ηράκλειο',
  '大阪の天気',
  '北京新闻',
  '서울 소식',
  'ירושלים',
  'القاهرة',
  'मुंबई',
  'Hà Nội',
  'Øresund',
  '🌍',
  '📰',
  '✔',
  '“curly quotes”',
  '‘apostrophes’',
  '— dash',
  '…',
  '¥1,200',
  '🧑🏽‍💻',
];
/** The same idea, limited to what ISO-8859-1 can hold (the farm's Latin-1 feeds). */
const LATIN1 = [
  'Ångström',
  'crème brûlée',
  'Reykjavík',
  'Øresund',
  'Málaga',
  'Genève',
  'Köln',
  'São Tomé',
  'piñata',
  'façade',
  '¿qué?',
  '¡olé!',
  '«citation»',
  '½ off',
  '£5',
  '© 2025',
  'Ålesund',
  'naïveté',
];
/** Text that must be escaped in XML and survive the round trip. */
const AWKWARD = ['AT&T', 'R&D', 'Q&A', 'a < b', 'x > y && y > z', '"quoted"', "it's", '<script>', '50% & rising'];

export type Alphabet = 'utf-8' | 'latin-1';
const flavour = (alphabet: Alphabet) => (alphabet === 'utf-8' ? INTERNATIONAL : LATIN1);

export const TOPICS = [
  'Technology',
  'Science',
  'Open Source',
  'Security',
  'Linux',
  'Programming',
  'Politics',
  'Economy',
  'Culture',
  'Sport',
  'Travel',
  'Food',
  'Music',
  'Climate',
  'Health',
  'Space',
  'Design',
  'Databases',
  'Networking',
  'Hardware',
];
export const AUTHORS = [
  'Ada Nwosu',
  'Bruno Costa',
  'Camille Lefèvre',
  'Dariusz Nowak',
  'Elif Yılmaz',
  'Farah Haddad',
  'Grete Solberg',
  'Hannah Weiß',
  'Ichiro Sato',
  'Júlia Ferreira',
  'Kwame Mensah',
  "Niamh O'Connor",
  'Oksana Бондар',
  'Pedro Ñúñez',
  'Ravi Iyer',
  'Sofía Ortega',
  'the newsroom',
];
const SERIES = ['Weekly', 'Daily', 'Notes', 'Journal', 'Digest', 'Dispatch', 'Review', 'Radio', 'Log'];
const SNIPPETS = [
  'if (a < b && b < c) return "sorted";',
  'SELECT id, title FROM items WHERE read = 0 LIMIT 20;',
  '$ curl -sH "If-None-Match: W/\\"x\\"" http://127.0.0.1/feed | head',
  'for (const x of xs) total += x * 2;',
  'git log --oneline | wc -l',
];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
export function escapeAttr(text: string): string {
  return escapeXml(text).replace(/"/g, '&quot;');
}
/** A CDATA section holding any text (a `]]>` inside is split across two sections). */
export function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function phrase(rng: Rng, lo: number, hi: number, alphabet: Alphabet): string {
  const count = between(rng, lo, hi);
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(rng() < 0.07 ? pick(rng, flavour(alphabet)) : pick(rng, WORDS));
  return words.join(' ');
}

export function sentence(rng: Rng, lo: number, hi: number, alphabet: Alphabet): string {
  return capitalised(phrase(rng, lo, hi, alphabet)) + (rng() < 0.12 ? '?' : '.');
}

export function headline(rng: Rng, alphabet: Alphabet): string {
  const text = capitalised(phrase(rng, 3, 10, alphabet));
  const r = rng();
  if (r < 0.1) return `${text}: ${pick(rng, AWKWARD)}`;
  if (r < 0.25) return `${pick(rng, flavour(alphabet))} — ${text}`;
  return text;
}

export function feedName(rng: Rng, topic: string, index: number): string {
  return `${topic} ${capitalised(pick(rng, WORDS))} ${pick(rng, SERIES)} #${index}`;
}

export interface HtmlContext {
  /** Where the article's links and images point (the farm's stand-in site). */
  site: string;
  media: string;
  alphabet: Alphabet;
  /** XHTML (Atom type="xhtml") knows no &nbsp;. */
  xhtml: boolean;
}

/** About `bytes` of article HTML: paragraphs with links, headings, lists, quotes, code and figures. */
export function articleHtml(rng: Rng, bytes: number, ctx: HtmlContext): string {
  const a = ctx.alphabet;
  const space = ctx.xhtml ? '&#160;' : '&nbsp;';
  const blocks: string[] = [];
  let size = 0;
  while (size < bytes || blocks.length === 0) {
    const r = rng();
    let block: string;
    if (r < 0.45) {
      block = `<p>${escapeXml(sentence(rng, 12, 32, a))} <a href="${ctx.site}/${between(rng, 1, 9999)}.html">${escapeXml(phrase(rng, 2, 4, a))}</a> ${escapeXml(sentence(rng, 6, 20, a))}</p>`;
    } else if (r < 0.55) block = `<h3>${escapeXml(headline(rng, a))}</h3>`;
    else if (r < 0.63) block = `<ol><li>${escapeXml(phrase(rng, 3, 7, a))}</li><li>${escapeXml(phrase(rng, 3, 7, a))}</li></ol>`;
    else if (r < 0.71) block = `<blockquote><p>${escapeXml(sentence(rng, 8, 24, a))}</p></blockquote>`;
    else if (r < 0.79) block = `<pre><code>${escapeXml(pick(rng, SNIPPETS))}</code></pre>`;
    else if (r < 0.88) {
      block = `<figure><img src="${ctx.media}/photo-${between(rng, 1, 500)}.jpg" alt="${escapeAttr(phrase(rng, 2, 5, a))}" width="800" height="450"/><figcaption>${escapeXml(sentence(rng, 4, 10, a))}</figcaption></figure>`;
    } else
      block = `<p><em>${escapeXml(phrase(rng, 1, 3, a))}</em> &amp; <strong>${escapeXml(phrase(rng, 1, 3, a))}</strong>${space}${escapeXml(sentence(rng, 6, 18, a))}</p>`;
    blocks.push(block);
    size += block.length + 1;
  }
  return blocks.join('\n');
}
