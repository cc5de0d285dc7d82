import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import { describe, expect, it } from 'vitest';
import { htmlToPlainText, renderHtml, type RenderedHtml } from '../source/core/html.js';

const hnDir = fileURLToPath(new URL('./fixtures/html/hn/', import.meta.url));
const hn = (name: string): string => readFileSync(hnDir + name, 'utf8');

/** Render without colour, the form most assertions are about. */
const render = (html: string, width = 40, baseUrl?: string): RenderedHtml =>
  renderHtml(html, { width, color: false, ...(baseUrl === undefined ? {} : { baseUrl }) });
const lines = (html: string, width = 40): string[] => render(html, width).lines;

/** An ESC that does not start an SGR sequence (`ESC [ digits/semicolons m`). */
const NON_SGR_ESC = /\x1b(?!\[[0-9;]*m)/;
/** Controls that must never reach the terminal (ESC is checked separately), and bidi overrides/isolates. */
const FORBIDDEN = /[\x00-\x1a\x1c-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

function expectFits(result: RenderedHtml, width: number): void {
  for (const line of result.lines) {
    expect(stringWidth(line), JSON.stringify(line)).toBeLessThanOrEqual(width);
  }
}

function expectSafe(result: RenderedHtml): void {
  for (const line of [...result.lines, ...result.links]) {
    expect(line).not.toMatch(NON_SGR_ESC);
    expect(line).not.toMatch(FORBIDDEN);
  }
}

/** Blank-line discipline: none first or last, never two in a row (outside <pre>). */
function expectTidy(out: string[]): void {
  if (out.length === 0) return;
  expect(out[0]!.trim()).not.toBe('');
  expect(out[out.length - 1]!.trim()).not.toBe('');
  for (let i = 1; i < out.length; i++) {
    const blank = (s: string): boolean => s.replace(/[│\s]/g, '') === '';
    expect(blank(out[i - 1]!) && blank(out[i]!), `lines ${i - 1}-${i}: ${JSON.stringify(out)}`).toBe(false);
  }
}

describe('blocks', () => {
  it('separates paragraphs by exactly one blank line and collapses whitespace', () => {
    expect(lines('<p>One  two\n three</p>\n\n<p>\tFour</p><p></p><div></div><p>Five</p>')).toEqual(['One two three', '', 'Four', '', 'Five']);
  });

  it('wraps paragraphs at word boundaries', () => {
    expect(lines('<p>the quick brown fox jumps over the lazy dog</p>', 16)).toEqual(['the quick brown', 'fox jumps over', 'the lazy dog']);
  });

  it('treats a bare first paragraph like the rest (HN style)', () => {
    expect(lines('First.<p>Second.<p>Third.')).toEqual(['First.', '', 'Second.', '', 'Third.']);
  });

  it('turns <br> into line breaks; runs of them into one blank line; a trailing one into nothing', () => {
    expect(lines('<p>a<br>b<br><br><br>c<br></p><p>d</p>')).toEqual(['a', 'b', '', 'c', '', 'd']);
  });

  it('puts divs on their own lines without blank lines', () => {
    expect(lines('<div>one</div><div>two</div>')).toEqual(['one', 'two']);
  });

  it('never starts or ends with a blank line, nor doubles them', () => {
    const out = lines('<br><p></p><div><p>a</p></div><hr><hr><br><br><blockquote><p>b</p></blockquote><p>&nbsp;</p><br>');
    expectTidy(out);
    expect(out[0]).toBe('a');
  });

  it('renders headings bold, set off by blank lines', () => {
    const html = '<h1>Big Title</h1><p>Body.</p><h3>Small</h3><p>More.</p>';
    expect(lines(html)).toEqual(['Big Title', '', 'Body.', '', 'Small', '', 'More.']);
    const styled = renderHtml(html, { width: 40 }).lines;
    expect(styled[0]).toContain('\x1b[1m');
    expect(styled[0]).toContain('\x1b[4m'); // h1 is also underlined
    expect(styled[4]).toContain('\x1b[1m');
    expect(styled[4]).not.toContain('\x1b[4m');
  });

  it('draws a rule for <hr> across the available width', () => {
    expect(lines('<p>a</p><hr><p>b</p>', 12)).toEqual(['a', '', '─'.repeat(12), '', 'b']);
  });

  it('renders tables as rows of cells joined by " │ "', () => {
    const html = '<table><caption>Prices</caption><tr><th>Item</th><th>Cost</th></tr><tr><td> Tea </td><td>2</td></tr></table>';
    expect(lines(html)).toEqual(['Prices', 'Item │ Cost', 'Tea │ 2']);
  });

  it('renders definition lists with indented definitions', () => {
    expect(lines('<dl><dt>Term</dt><dd>The definition wraps here</dd></dl>', 20)).toEqual(['Term', '  The definition', '  wraps here']);
  });

  it('renders figures with their captions', () => {
    expect(lines('<figure><img alt="A cat"><figcaption>Fig. 1: a cat</figcaption></figure><p>After</p>')).toEqual([
      '[image: A cat]',
      'Fig. 1: a cat',
      '',
      'After',
    ]);
  });
});

describe('lists', () => {
  it('nests lists with indentation and hanging indents on wrapped lines', () => {
    const html =
      '<p>Intro</p><ul><li>alpha beta gamma delta epsilon</li><li>two<ul><li>nested one two three four five</li><li>n2</li></ul></li></ul><p>After</p>';
    expect(lines(html, 20)).toEqual([
      'Intro',
      '',
      '• alpha beta gamma',
      '  delta epsilon',
      '• two',
      '  ◦ nested one two',
      '    three four five',
      '  ◦ n2',
      '',
      'After',
    ]);
  });

  it('numbers ordered lists, honours start, and aligns the numbers', () => {
    expect(lines('<ol start="9"><li>nine</li><li>ten words that wrap around here</li></ol>', 20)).toEqual([
      ' 9. nine',
      '10. ten words that',
      '    wrap around here',
    ]);
    expect(lines('<ol><li>a</li><li>b</li></ol>')).toEqual(['1. a', '2. b']);
    expect(lines('<ol reversed><li>a</li><li>b</li><li>c</li></ol>')).toEqual(['3. a', '2. b', '1. c']);
  });

  it('mixes ordered and unordered lists', () => {
    expect(lines('<ol><li>first<ul><li>dot</li></ul></li><li>second</li></ol>')).toEqual(['1. first', '   • dot', '2. second']);
  });

  it('keeps paragraphs inside list items under the marker', () => {
    expect(lines('<ul><li><p>one</p><p>more</p></li></ul>')).toEqual(['• one', '', '  more']);
  });

  it('stops indenting very deep nesting but keeps every marker', () => {
    const html = '<ul><li>x'.repeat(30);
    const out = lines(html, 20);
    expect(out).toHaveLength(30);
    expect(out.join('\n').match(/[•◦]/g)).toHaveLength(30);
    expectFits(render(html, 20), 20);
  });
});

describe('blockquotes', () => {
  it('draws a rail, nested quotes get nested rails, and blank lines keep the shared rails', () => {
    const html =
      '<blockquote><p>outer quote text that wraps</p><blockquote><p>inner quote text that wraps</p></blockquote><p>back</p></blockquote><p>after</p>';
    expect(lines(html, 20)).toEqual(['> outer quote text', '> that wraps', '>', '> > inner quote text', '> > that wraps', '>', '> back', '', 'after']);
  });

  it('keeps two neighbouring quotes apart', () => {
    expect(lines('<blockquote>one</blockquote><blockquote>two</blockquote>')).toEqual(['> one', '', '> two']);
  });

  it('dims quoted text and its rail', () => {
    const out = renderHtml('<blockquote>quoted</blockquote>', { width: 40 }).lines;
    expect(out[0]).toBe('\x1b[2m>\x1b[22m \x1b[2mquoted\x1b[22m');
  });

  it('puts quotes inside list items under the marker', () => {
    expect(lines('<ul><li><blockquote>q</blockquote></li></ul>')).toEqual(['• > q']);
  });
});

describe('code', () => {
  it('keeps <pre> verbatim: indentation, blank lines, tabs expanded to 4 columns, long lines hard-wrapped', () => {
    const html = '<p>Code:</p><pre><code>\tif (x) {\n\t\treturn "a long string literal here";\n\n\t}\n</code></pre><p>Done.</p>';
    expect(lines(html, 24)).toEqual(['Code:', '', '    if (x) {', '        return "a long s', 'tring literal here";', '', '    }', '', 'Done.']);
  });

  it('does not reflow code: runs of spaces survive', () => {
    expect(lines('<pre>a    b\n  c</pre>')).toEqual(['a    b', '  c']);
  });

  it('drops the newline right after <pre> and trailing blank lines', () => {
    expect(lines('<pre>\nline\n\n\n</pre>')).toEqual(['line']);
  });

  it('colours code blocks and inline code', () => {
    const out = renderHtml('<p>Call <code>f()</code> now.</p><pre>x = 1</pre>', { width: 40 }).lines;
    expect(out[0]).toBe('Call \x1b[32mf()\x1b[39m now.');
    expect(out[2]).toBe('\x1b[32mx = 1\x1b[39m');
    expect(lines('<p>Call <code>f()</code> now.</p>')).toEqual(['Call f() now.']);
  });

  it('keeps code blocks inside quotes on the rail', () => {
    expect(lines('<blockquote><pre>a\n  b</pre></blockquote>')).toEqual(['> a', '>   b']);
  });
});

describe('links', () => {
  it('numbers links, reuses the number for the same URL, and lists them at the end', () => {
    const html =
      '<p>See <a href="https://a.example/x">this</a> and <a href="https://b.example/">that</a>.</p><p>Again <a href="https://a.example/x">this</a>.</p>';
    const r = render(html);
    expect(r.lines).toEqual(['See this[1] and that[2].', '', 'Again this[1].', '', 'Links', '[1] https://a.example/x', '[2] https://b.example/']);
    expect(r.links).toEqual(['https://a.example/x', 'https://b.example/']);
  });

  it('still numbers a link whose text is its URL', () => {
    const r = render('<a href="https://a.example/">https://a.example/</a>');
    expect(r.lines[0]).toBe('https://a.example/[1]');
    expect(r.links).toEqual(['https://a.example/']);
  });

  it('gives javascript:, mailto: and data: links no number, only their text', () => {
    const r = render(
      '<p><a href="javascript:alert(1)">click</a> <a href="mailto:a@b.example">mail</a> <a href="data:text/html,x">data</a> <a href=" JaVaScRiPt:alert(1)">again</a></p>',
    );
    expect(r.lines).toEqual(['click mail data again']);
    expect(r.links).toEqual([]);
  });

  it('resolves relative links against baseUrl, and drops them without one', () => {
    expect(render('<a href="/about">About</a>', 40, 'https://site.example/blog/post').links).toEqual(['https://site.example/about']);
    expect(render('<a href="/about">About</a>').links).toEqual([]);
  });

  it('does not number empty anchors', () => {
    expect(render('<p><a href="https://a.example/"></a>text <a name="x">anchor</a></p>').lines).toEqual(['text anchor']);
  });

  it('wraps long URLs in the Links list with a hanging indent', () => {
    const url = 'https://example.com/a/very/long/path/segment';
    const r = render(`<a href="${url}">x</a>`, 20);
    expect(r.lines.slice(2)).toEqual(['Links', '[1] https://example.', '    com/a/very/long/', '    path/segment']);
  });

  it('aligns the Links list when there are ten or more', () => {
    const html = Array.from({ length: 10 }, (_, i) => `<a href="https://e.example/${i}">l${i}</a>`).join(' ');
    const r = render(html, 60);
    expect(r.lines).toContain('[1]  https://e.example/0');
    expect(r.lines).toContain('[10] https://e.example/9');
  });

  it('underlines link text and colours the number', () => {
    const out = renderHtml('<a href="https://a.example/">go</a>', { width: 40 }).lines;
    expect(out[0]).toBe('\x1b[4mgo\x1b[24m\x1b[36m[1]\x1b[39m');
  });
});

describe('images', () => {
  it('shows alt text, or [image] without it, and numbers the image URL', () => {
    const r = render('<p>A <img src="/cat.png" alt=" A  cat "> and <img src="https://i.example/b.png"></p>', 60, 'https://s.example/');
    expect(r.lines[0]).toBe('A [image: A cat][1] and [image][2]');
    expect(r.links).toEqual(['https://s.example/cat.png', 'https://i.example/b.png']);
  });

  it('uses the link number for an image inside a link', () => {
    const r = render('<a href="https://a.example/"><img src="https://i.example/x.png" alt="x"></a>');
    expect(r.lines[0]).toBe('[image: x][1]');
    expect(r.links).toEqual(['https://a.example/']);
  });

  it('skips tracking pixels', () => {
    expect(render('<p>Text<img src="https://feeds.example/~r/x" width="1" height="1"></p>').lines).toEqual(['Text']);
  });
});

describe('inline text', () => {
  it('decodes entities', () => {
    expect(lines('<p>Tom &amp; Jerry&nbsp;&nbsp;x it&#8217;s &lt;b&gt; &hellip; &#x1F600;</p>')).toEqual(['Tom & Jerry\u00a0\u00a0x it’s <b> … 😀']);
  });

  it('keeps non-breaking spaces together when wrapping', () => {
    expect(lines('<p>aaaa bbbb&nbsp;cccc</p>', 10)).toEqual(['aaaa', 'bbbb\u00a0cccc']);
  });

  it('styles em, strong, del and keeps spacing across inline elements', () => {
    expect(lines('<p>a<em>b</em>c <strong>d</strong> <del>e</del> <q>f</q></p>')).toEqual(['abc d e “f”']);
    const out = renderHtml('<p><em>i</em> <strong>b</strong></p>', { width: 40 }).lines;
    expect(out[0]).toBe('\x1b[3mi\x1b[23m \x1b[1mb\x1b[22m');
  });

  it('skips script, style, iframe, object, embed, noscript, head, template, svg and form contents', () => {
    const html =
      '<head><title>T</title><style>p{}</style></head><p>ok</p><script>alert(1)</script><style>p{}</style>' +
      '<iframe src="https://x.example/">frame</iframe><noscript>ns</noscript><template>tpl</template>' +
      '<svg><text>svg</text></svg><form>form<input value="v"><button>btn</button></form><object>obj</object>' +
      '<embed src="https://x.example/e"><p>end</p>';
    const r = render(html);
    expect(r.lines).toEqual(['ok', '', 'end']);
    expect(r.links).toEqual([]);
  });

  it('ignores comments and doctypes', () => {
    expect(lines('<!DOCTYPE html><!-- hidden --><p>shown</p>')).toEqual(['shown']);
  });
});

describe('width', () => {
  it('never exceeds the width with CJK and emoji (double width)', () => {
    const html =
      '<p>中文字符测试，这是一个很长的段落。我们需要确保宽度正确！</p><p>😀😀😀 emoji 👩‍👩‍👧 family 🇯🇵 flag ✔️ mixed 日本語のテキスト text</p>' +
      '<ul><li>한국어 텍스트도 넓습니다 한국어 텍스트도</li></ul><blockquote>引用された日本語のテキスト</blockquote><pre>コード　全角　スペース</pre>';
    for (let width = 10; width <= 41; width++) {
      const r = render(html, width);
      expectFits(r, width);
      expect(r.lines.join('')).toContain('中文字符');
    }
    expect(lines('<p>中文字符测试</p>', 11)).toEqual(['中文字符测', '试']);
    expect(lines('<p>😀😀😀😀😀😀</p>', 10)).toEqual(['😀😀😀😀😀', '😀']);
  });

  it('wraps exactly like wrap-ansi (hard, trim) on plain paragraphs', () => {
    const texts = [
      'the quick brown fox jumps over the lazy dog again and again',
      'short words then averyveryveryverylongwordthatmustbecut and more',
      '中文字符测试，这是一个很长的段落。 then English words 日本語のテキストです',
      'emoji 😀😀😀😀😀😀😀😀😀😀😀😀 and 👩‍👩‍👧 sequences é à ü naïve',
      'x'.repeat(95),
      'a b c d e f g h i j k l m n o p q r s t u v w x y z',
    ];
    for (const text of texts) {
      for (const width of [10, 13, 17, 24, 40, 80]) {
        expect(lines(`<p>${text}</p>`, width), `${width}: ${text}`).toEqual(wrapAnsi(text, width, { hard: true, trim: true }).split('\n'));
      }
    }
  });

  it('matches wrap-ansi and string-width on random text full of tricky grapheme clusters', () => {
    // Emoji (ZWJ, flags, keycaps, modifiers, VS16), combining marks, Hangul jamo, halfwidth kana with
    // voiced marks, Thai/Devanagari/Arabic, fullwidth forms, soft hyphen and zero-width space.
    const pool = [
      'a',
      'word',
      'é',
      'e\u0301',
      '中',
      '日本',
      '😀',
      '👩‍👩‍👧',
      '🇯🇵',
      '1️⃣',
      '👍🏽',
      '✔️',
      '☺',
      'ᄀ',
      'ᄀ\u1161',
      '\u1100\u1161\u11a8',
      'ｶﾞ',
      'ﾊﾟ',
      'ไทย',
      'नमस्ते',
      'مرحبا',
      'Ａ',
      '\u00ad',
      '\u200b',
      'x\u20e3',
      '—',
      '…',
      '\u0e33',
    ];
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const words: string[] = [];
      const count = 1 + random(25);
      for (let i = 0; i < count; i++) {
        let word = '';
        const parts = 1 + random(random(4) === 0 ? 40 : 4);
        for (let k = 0; k < parts; k++) word += pool[random(pool.length)];
        words.push(word);
      }
      const text = words.join(' ').normalize('NFC');
      const width = 10 + random(30);
      const got = lines(`<p>${text}</p>`, width);
      expect(got, `${width}: ${JSON.stringify(text)}`).toEqual(wrapAnsi(text, width, { hard: true, trim: true }).split('\n'));
      for (const line of got) expect(stringWidth(line)).toBeLessThanOrEqual(width);
    }
  });

  it('hard-wraps a 300-character unbreakable word', () => {
    const word = 'x'.repeat(300);
    const r = render(`<p>before ${word} after</p>`, 10);
    expectFits(r, 10);
    expect(r.lines.join('')).toBe(`before${word}after`);
    expect(r.lines.filter((l) => l === 'x'.repeat(10))).toHaveLength(30);
  });

  it('fits everything at width 10, nested structures included', () => {
    const html =
      '<h1>A heading that is long</h1><blockquote><blockquote><ul><li>deep <a href="https://a.example/very/long/url/here">link text</a></li></ul></blockquote></blockquote>' +
      '<pre>\tcode line that is long</pre><table><tr><td>cell one</td><td>cell two</td></tr></table><hr>';
    for (const color of [false, true]) {
      const r = renderHtml(html, { width: 10, color });
      expectFits(r, 10);
      expectSafe(r);
    }
  });

  it('survives hostile nesting without a stack overflow and within the width', () => {
    const deep = '<blockquote><div><span>x'.repeat(5_000);
    const r = renderHtml(deep, { width: 30 });
    expect(r.lines.length).toBeGreaterThan(0);
    expectFits(r, 30);
  });

  it('treats widths below 10 as best effort but never overflows', () => {
    expectFits(render('<ul><li>中文 text here</li></ul>', 3), 3);
  });
});

describe('hostile text', () => {
  const payloads = [
    'A\x1b]0;pwned\x07B',
    'C\x1b]52;c;ZXZpbA==\x07D',
    'E\x1b]8;;https://evil.example/\x1b\\F\x1b]8;;\x1b\\G',
    'H\x1b[2J\x1b[31mI',
    'J\u009b31mK',
    'L\u202eM\u2066N',
    'O\x07\x08\x00P',
  ];

  it('removes raw escape sequences, C1 and bidi controls from text', () => {
    for (const p of payloads) {
      for (const color of [false, true]) {
        const r = renderHtml(`<p>${p}</p><pre>${p}</pre><blockquote>${p}</blockquote>`, { width: 40, color });
        expectSafe(r);
        if (!color) expect(r.lines.join('\n')).not.toContain('\x1b');
      }
    }
    expect(lines('<p>A\x1b]0;pwned\x07B</p>')).toEqual(['AB']);
    expect(lines('<p>J\u009b31mK</p>')).toEqual(['J31mK']);
    expect(lines('<p>L\u202eM</p>')).toEqual(['LM']);
  });

  it('removes escapes that only appear after entity decoding (&#27; &#8238;)', () => {
    const html = '<p>A&#27;]0;title&#7;B &#x1b;[31mred&#27;[0m &#8238;rtl &#x85;nel</p><pre>&#27;]52;c;eA==&#7;</pre>';
    for (const color of [false, true]) {
      const r = renderHtml(html, { width: 60, color });
      expectSafe(r);
      if (!color) expect(r.lines).toEqual(['AB red rtl …nel']);
    }
  });

  it('follows HTML in mapping &#x80;-&#x9f; to Windows-1252 characters, so &#x9b; is a harmless "›"', () => {
    expect(lines('<p>&#x9b;2J &#155;</p>')).toEqual(['›2J ›']);
  });

  it('cleans attributes: alt text and hrefs', () => {
    const r = render(
      '<img alt="x&#27;]0;t&#7;y\x1b[31m&#x202e;z" src="https://i.example/a.png"><a href="https://a.example/&#27;]0;x&#7;">l</a><a href="&#27;javascript:alert(1)">j</a>',
      60,
    );
    expectSafe(r);
    expect(r.lines[0]).toBe('[image: xyz][1]l[2]j');
    for (const url of r.links) expect(url).toMatch(/^https:\/\/[\x21-\x7e]+$/);
  });

  it('never emits OSC 8 or any non-SGR escape, even with everything styled', () => {
    const html = `<h1>${payloads.join(' ')}</h1><ul><li><a href="https://a.example/">${payloads.join(' ')}</a></li></ul>`;
    const r = renderHtml(html, { width: 30 });
    expectSafe(r);
    expect(r.lines.join('\n')).not.toContain('\x1b]');
  });
});

describe('colour', () => {
  const html =
    '<h2>Title</h2><p>Some <b>bold</b>, <i>italic</i>, <code>code</code> and <a href="https://a.example/">a link that wraps over lines</a>.</p><blockquote>quoted <em>text</em> that goes on and on</blockquote><pre>code</pre><table><tr><td>a</td><td>b</td></tr></table>';

  it('styles with SGR sequences only, and the text matches the uncoloured rendering', () => {
    for (const width of [12, 20, 40]) {
      const styled = renderHtml(html, { width });
      const bare = renderHtml(html, { width, color: false });
      expect(styled.lines.some((l) => /\x1b\[[0-9;]*m/.test(l))).toBe(true);
      expectSafe(styled);
      expectFits(styled, width);
      expect(styled.lines.map((l) => stripVTControlCharacters(l))).toEqual(bare.lines);
    }
  });

  it('emits no ANSI at all with color: false', () => {
    expect(render(html, 20).lines.join('\n')).not.toContain('\x1b');
  });

  it('closes styles on every line, so a prefix never inherits them', () => {
    const out = renderHtml('<blockquote><a href="https://a.example/">one two three four five six</a></blockquote>', {
      width: 12,
    }).lines;
    const quote = out.slice(0, out.indexOf(''));
    expect(quote).toHaveLength(4);
    for (const line of quote) {
      expect(line.startsWith('\x1b[2m>\x1b[22m \x1b[4m\x1b[2m')).toBe(true);
      expect(line).toMatch(/\x1b\[22m\x1b\[24m(\x1b\[36m\[1\]\x1b\[39m)?$/);
    }
  });
});

describe('empty input', () => {
  it('renders nothing for empty, whitespace-only or invisible input', () => {
    for (const html of ['', '   \n\t ', '<p></p>', '<script>x</script>', '<!-- c -->', '<br><br>', '<div> </div>']) {
      expect(render(html)).toEqual({ lines: [], links: [] });
      expect(htmlToPlainText(html)).toBe('');
    }
  });
});

describe('Hacker News comment HTML', () => {
  const files = readdirSync(hnDir).filter((f) => f.endsWith('.html'));

  it('has the fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it('renders every sample safely, tidily and within the width, at many widths', () => {
    for (const file of files) {
      for (const width of [10, 17, 30, 44, 80]) {
        for (const color of [false, true]) {
          const r = renderHtml(hn(file), { width, color });
          expectFits(r, width);
          expectSafe(r);
        }
        const bare = render(hn(file), width);
        // Blank-line discipline, checked on the prose part (code may hold blank lines of its own).
        if (file !== 'code.html') expectTidy(bare.lines);
      }
    }
  });

  it('splits paragraphs at <p> with a bare first paragraph (paragraphs.html)', () => {
    expect(lines(hn('paragraphs.html'), 80)).toEqual([
      "First paragraph with an & ampersand, 'single quotes' and a newline inside that",
      'should join.',
      '',
      'Second paragraph with double spaces, CO2 rising, 1/2 of the time, and',
      'ellipsis...',
      '',
      'Em dashes -- both loose and stuck--together.',
      '',
      'A fully italic paragraph.',
    ]);
  });

  it('keeps <pre><code> blocks verbatim between paragraphs (code.html)', () => {
    expect(lines(hn('code.html'), 60)).toEqual([
      'Intro paragraph before code:',
      '',
      '  func main() {',
      '      fmt.Println("hi")',
      '',
      '      return',
      '  }',
      '',
      'Text right after the code block lands in its own paragraph.',
      '',
      '  curl -sS https://example.com/really/long/path/that/keeps/g',
      'oing/and/going | jq -r .items[].name',
      '',
      'Closing paragraph.',
    ]);
  });

  it('numbers the links and lists the full URLs, not the truncated text (links.html)', () => {
    const r = render(hn('links.html'), 80);
    expect(r.lines).toEqual([
      'See https://example.com/a/very/long/path/se...[1] for details.',
      '',
      'Sentence ending with a URL https://news.ycombinator.com/item?id=1[2].',
      '',
      '> a quote with http://example.org[3] and trailing text',
      '',
      'Links',
      '[1] https://example.com/a/very/long/path/segment/that/keeps/going/on/and/on/fore',
      '    ver',
      '[2] https://news.ycombinator.com/item?id=1',
      '[3] http://example.org/',
    ]);
  });

  it('renders italics and the leading <p> (italic-tokens.html, leadingp.html)', () => {
    expect(lines(hn('leadingp.html'))).toEqual(['Starts with a paragraph tag.', '', 'Second paragraph.']);
    const styled = renderHtml(hn('italic-tokens.html'), { width: 80 }).lines;
    expect(styled[0]).toContain('\x1b[3muse `git rebase` and @user, see [1] and (YC W21) here\x1b[23m tail');
    expect(render(hn('italic-tokens.html'), 80).links).toEqual(['https://example.com/x']);
  });

  it('keeps plain-text markup as text (inline.html, quotes.html, deleted.html)', () => {
    expect(lines(hn('inline.html'), 80)[0]).toBe('Use `git rebase` and `git push` carefully.');
    expect(lines(hn('quotes.html'), 80)).toContain('>> A double-arrow quote.');
    expect(lines(hn('quotes.html'), 80)).toContain('> A leading-space quote.');
    expect(lines(hn('deleted.html'))).toEqual(['[deleted]']);
  });
});

describe('htmlToPlainText', () => {
  it('gives paragraphs separated by blank lines, without markup, link numbers or link list', () => {
    const html =
      '<h1>Title</h1><p>One <a href="https://a.example/">link</a> and <em>more</em>\n text.</p><ul><li>first</li><li>second</li></ul>' +
      '<blockquote><p>quoted</p></blockquote><pre>code\n\tindented</pre><p>a<br>b</p><img alt="pic" src="https://i.example/p.png"><table><tr><td>x</td><td>y</td></tr></table>';
    expect(htmlToPlainText(html)).toBe('Title\n\nOne link and more text.\n\nfirst\nsecond\n\nquoted\n\ncode\n\tindented\n\na\nb\n\nx\ty');
  });

  it('does not wrap long paragraphs', () => {
    const text = 'word '.repeat(100).trim();
    expect(htmlToPlainText(`<p>${text}</p>`)).toBe(text);
  });

  it('is sanitized', () => {
    const out = htmlToPlainText('<p>A&#27;]0;x&#7;B\x1b[31mC\u009bD&#x202e;E</p><pre>&#27;[2J</pre>');
    expect(out).toBe('ABCDE');
    expect(out).not.toMatch(FORBIDDEN);
    expect(out).not.toContain('\x1b');
  });

  it('handles the HN samples', () => {
    expect(htmlToPlainText(hn('leadingp.html'))).toBe('Starts with a paragraph tag.\n\nSecond paragraph.');
    expect(htmlToPlainText(hn('links.html'))).toContain('Sentence ending with a URL https://news.ycombinator.com/item?id=1.');
  });
});

describe('without colour (NO_COLOR)', () => {
  it("keeps bold, underline and dim but emits no colour code, and a quote's mark is not a reply rail", () => {
    const html = '<h1>Title</h1><p><a href="https://a.example/">link</a> and <code>code</code></p><blockquote>quoted</blockquote>';
    const out = renderHtml(html, { width: 60, color: 'mono' }).lines.join('\n');
    expect(out).toContain('\x1b[1m'); // bold heading
    expect(out).toContain('\x1b[4m'); // underlined link
    expect(out).toContain('\x1b[2m>\x1b[22m quoted'.replace('\x1b[22m quoted', '\x1b[22m \x1b[2mquoted'));
    const colours = [...out.matchAll(/\x1b\[([0-9;]*)m/g)].map((m) => Number(m[1])).filter((n) => (n >= 30 && n <= 49) || (n >= 90 && n <= 107));
    expect(colours.filter((n) => n !== 39 && n !== 49)).toEqual([]);
    expect(out).not.toMatch(/^│/m);
  });
});

describe('wrapText: the one line wrapper', () => {
  it("wraps exactly as wrap-ansi's {hard, trim} does, in every script", async () => {
    const { default: wrapAnsi } = await import('wrap-ansi');
    const { wrapText } = await import('../source/core/html.js');
    const texts = [
      'The quick brown fox jumps over the lazy dog, again and again, until the line is long enough.',
      'averyveryveryverylongwordthatmustbecutbetweenitsletters and then some short words',
      '中文标题：终端里的宽字符对齐测试，看看会不会错位 这是一个很长的句子没有空格所以必须在字符之间换行',
      'Family 👨‍👩‍👧‍👦 and flags 🇯🇵🇰🇷🇺🇦 in one line 🎉🎉 with combining é and Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
      'عنوان عربي: اختبار النص من اليمين إلى اليسار وكلمات أخرى',
      'two\nlines  with   spaces   inside',
    ];
    for (const text of texts) {
      for (const width of [1, 2, 5, 9, 17, 30, 80]) {
        expect(wrapText(text, width), `${width}: ${text}`).toEqual(wrapAnsi(text, width, { hard: true, trim: true }).split('\n'));
      }
    }
  });
});
