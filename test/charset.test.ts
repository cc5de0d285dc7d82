import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  charsetFromContentType,
  decodeFeedBytes,
  declaredEncoding,
  decodeWindows1252,
  detectFeedEncoding,
  resolveCharsetLabel,
} from '../source/core/charset.js';

const fixtures = fileURLToPath(new URL('./fixtures/encoding/', import.meta.url));
const read = (name: string): Uint8Array => new Uint8Array(readFileSync(fixtures + name));
const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));
/** The fixture bytes with their `<?xml …?>` declaration removed (the declarations are ASCII). */
const withoutDeclaration = (bytes: Uint8Array): Uint8Array => {
  const text = Buffer.from(bytes).toString('latin1');
  return ascii(text.replace(/^<\?xml[^>]*\?>\s*/, ''));
};

/** Files that declare their encoding in the XML declaration, and a phrase the decoded text must contain. */
const declared: Array<[file: string, encoding: string, phrase: string]> = [
  ['windows-1251-iconv.xml', 'windows-1251', 'Новости Оренбурга и области'],
  ['gb2312-kc0011.rss', 'gbk', '投资资讯网交易在线'],
  ['aktuality-slovak.rss', 'utf-8', 'aktuálne spravodajstvo'],
  ['feed-rs_rss_0.91_encoding_1.xml', 'windows-1252', 'Dicas técnicas de Linux'],
  ['feed-rs_rss_2.0_encoding_1.xml', 'windows-1252', 'Inovação Tecnológica'],
  ['feed-rs_rss_1.0_iso8859.xml', 'windows-1252', 'Neue Glasfaserförderung'],
];

/** feedparser's chardet files carry no declaration; [file, Content-Type charset, phrase]. */
const undeclared: Array<[file: string, charset: string, phrase: string]> = [
  ['feedparser-chardet/big5.xml', 'big5', '成中文，并有助于改'],
  ['feedparser-chardet/eucjp.xml', 'euc-jp', 'ゲーム三昧な正月'],
  ['feedparser-chardet/euckr.xml', 'euc-kr', 'TypeKey 한글닉네임 표시하기'],
  ['feedparser-chardet/gb2312.xml', 'gb2312', '不归移民漫画系列：专业工作'],
  ['feedparser-chardet/koi8r.xml', 'koi8-r', 'Как пережить новогоднюю ночь'],
  ['feedparser-chardet/shiftjis.xml', 'Shift_JIS', 'DrecomRSSに記事投稿が反映されない'],
  ['feedparser-chardet/tis620.xml', 'tis-620', 'สำนักงานส่งเสริมอุตสาหกรรมซอฟต์แวร์แห่งชาติ'],
  ['feedparser-chardet/windows1255.xml', 'windows-1255', 'האם תדפיס נייר של אתר אינטרנט'],
];

describe('decodeFeedBytes on the corpus', () => {
  const all = [
    ...readdirSync(fixtures).filter((f) => /\.(xml|rss)$/.test(f)),
    ...readdirSync(fixtures + 'feedparser-chardet').map((f) => `feedparser-chardet/${f}`),
  ];

  it('has every corpus file', () => {
    expect(all.length).toBe(declared.length + undeclared.length);
  });

  it.each(all)('%s decodes with no U+FFFD (no header)', (file) => {
    const text = decodeFeedBytes(read(file), null);
    expect(text.length).toBeGreaterThan(100);
    expect(text).not.toContain('\uFFFD');
  });

  it.each(declared)('%s: declaration says %s', (file, encoding, phrase) => {
    const bytes = read(file);
    expect(detectFeedEncoding(bytes, null)).toMatchObject({ encoding, source: 'declaration' });
    const text = decodeFeedBytes(bytes, null);
    expect(text).toContain(phrase);
    expect(text.startsWith('<?xml')).toBe(true);
  });

  it.each(declared.filter(([, encoding]) => encoding !== 'utf-8'))('%s decodes by header alone once its declaration is removed', (file, encoding, phrase) => {
    const bytes = withoutDeclaration(read(file));
    // Proves the header does the work (latin-1 needs no proof: the no-label fallback is windows-1252 too).
    if (encoding !== 'windows-1252') expect(decodeFeedBytes(bytes, null)).not.toContain(phrase);
    const text = decodeFeedBytes(bytes, `application/rss+xml; charset=${encoding}`);
    expect(text).toContain(phrase);
  });

  it.each(undeclared)('%s decodes by header charset=%s', (file, charset, phrase) => {
    const text = decodeFeedBytes(read(file), `text/xml; charset=${charset}`);
    expect(text).toContain(phrase);
    expect(text).not.toContain('\uFFFD');
  });

  it.each(undeclared)('%s decodes by an added XML declaration encoding=%s', (file, charset, phrase) => {
    const bytes = concat(ascii(`<?xml version="1.0" encoding="${charset}"?>\n`), read(file));
    expect(decodeFeedBytes(bytes, 'application/xml')).toContain(phrase);
  });

  it('undeclared legacy bytes fall back to windows-1252 (no sniffing): mojibake, but no U+FFFD', () => {
    const text = decodeFeedBytes(read('feedparser-chardet/koi8r.xml'), null);
    expect(detectFeedEncoding(read('feedparser-chardet/koi8r.xml'), null).source).toBe('default');
    expect(text).not.toContain('Как');
    expect(text).toContain('ëÁË'); // "Как" in KOI8-R bytes read as windows-1252
  });
});

describe('decodeFeedBytes precedence', () => {
  const koi8 = read('feedparser-chardet/koi8r.xml');

  it('the HTTP charset beats the XML declaration', () => {
    const bytes = concat(ascii('<?xml version="1.0" encoding="windows-1251"?>\n'), koi8);
    expect(decodeFeedBytes(bytes, null)).not.toContain('Как пережить');
    expect(decodeFeedBytes(bytes, 'text/xml; charset="KOI8-R"')).toContain('Как пережить');
  });

  it('an unknown header charset falls through to the declaration, then to UTF-8', () => {
    const bytes = concat(ascii('<?xml version="1.0" encoding="koi8-r"?>\n'), koi8);
    expect(decodeFeedBytes(bytes, 'text/xml; charset=x-no-such-thing')).toContain('Как пережить');
    const utf8 = new Uint8Array(Buffer.from('<?xml version="1.0" encoding="nonsense"?><rss>ü</rss>'));
    expect(decodeFeedBytes(utf8, 'text/xml; charset=bogus')).toBe('<?xml version="1.0" encoding="nonsense"?><rss>ü</rss>');
  });

  it('the "replacement" encoding (iso-2022-kr) is treated as unknown', () => {
    const bytes = new Uint8Array(Buffer.from('<rss>한글</rss>'));
    expect(decodeFeedBytes(bytes, 'text/xml; charset=iso-2022-kr')).toBe('<rss>한글</rss>');
  });

  it('no header charset and no declaration means UTF-8', () => {
    const bytes = new Uint8Array(Buffer.from('<rss><title>naïve — ok</title></rss>'));
    expect(detectFeedEncoding(bytes, 'application/rss+xml').source).toBe('default');
    expect(decodeFeedBytes(bytes, 'application/rss+xml')).toBe('<rss><title>naïve — ok</title></rss>');
  });
});

describe('decodeFeedBytes BOM and UTF-16', () => {
  const xml = '<?xml version="1.0" encoding="UTF-16"?>\n<rss><title>Привет, 世界</title></rss>';
  const utf16be = (s: string): Uint8Array => {
    const le = Buffer.from(s, 'utf16le');
    return new Uint8Array(le.swap16());
  };

  it('strips a UTF-8 BOM', () => {
    const bytes = concat(new Uint8Array([0xef, 0xbb, 0xbf]), new Uint8Array(Buffer.from('<?xml version="1.0"?><rss>é</rss>')));
    expect(decodeFeedBytes(bytes, null)).toBe('<?xml version="1.0"?><rss>é</rss>');
  });

  it('decodes UTF-16LE and UTF-16BE with a BOM', () => {
    expect(decodeFeedBytes(new Uint8Array(Buffer.from('\uFEFF' + xml, 'utf16le')), null)).toBe(xml);
    expect(decodeFeedBytes(utf16be('\uFEFF' + xml), null)).toBe(xml);
  });

  it('decodes UTF-16 without a BOM from the byte pattern, not the (unreadable) declaration', () => {
    const le = new Uint8Array(Buffer.from(xml, 'utf16le'));
    expect(declaredEncoding(le)).toBeNull();
    expect(detectFeedEncoding(le, null)).toMatchObject({ encoding: 'utf-16le', source: 'utf16-pattern' });
    expect(decodeFeedBytes(le, null)).toBe(xml);
    expect(decodeFeedBytes(utf16be(xml), null)).toBe(xml);
  });

  it('a UTF-16 BOM beats a header that says utf-8 (or anything else)', () => {
    const bytes = new Uint8Array(Buffer.from('\uFEFF' + xml, 'utf16le'));
    expect(decodeFeedBytes(bytes, 'application/xml; charset=utf-8')).toBe(xml);
    expect(decodeFeedBytes(bytes, 'application/xml; charset=windows-1251')).toBe(xml);
  });

  it('the UTF-16 byte pattern beats an 8-bit header charset', () => {
    const bytes = new Uint8Array(Buffer.from(xml, 'utf16le'));
    expect(decodeFeedBytes(bytes, 'text/xml; charset=iso-8859-1')).toBe(xml);
  });

  it('a header utf-16 charset is honoured for UTF-16 bytes without BOM', () => {
    const bytes = new Uint8Array(Buffer.from('<rss><title>Ωμέγα</title></rss>', 'utf16le'));
    expect(decodeFeedBytes(bytes, 'text/xml; charset=utf-16le')).toBe('<rss><title>Ωμέγα</title></rss>');
  });

  it('a UTF-16 label on ASCII-shaped bytes is a lie: decoded as UTF-8', () => {
    const body = '<?xml version="1.0" encoding="utf-16"?><rss>é</rss>';
    const bytes = new Uint8Array(Buffer.from(body));
    expect(decodeFeedBytes(bytes, null)).toBe(body);
    expect(decodeFeedBytes(bytes, 'text/xml; charset=UTF-16')).toBe(body);
  });
});

describe('decodeFeedBytes repairs', () => {
  it('bytes declared UTF-8 that are not UTF-8 fall back to windows-1252', () => {
    // "café “quoted”" in windows-1252: é = E9, curly quotes = 93/94.
    const bytes = concat(
      ascii('<?xml version="1.0" encoding="utf-8"?><t>caf'),
      new Uint8Array([0xe9, 0x20, 0x93]),
      ascii('q'),
      new Uint8Array([0x94]),
      ascii('</t>'),
    );
    expect(decodeFeedBytes(bytes, 'text/xml; charset=UTF-8')).toBe('<?xml version="1.0" encoding="utf-8"?><t>café “q”</t>');
  });

  it('a mixed document keeps its valid UTF-8 and repairs only the stray bytes', () => {
    const bytes = concat(new Uint8Array(Buffer.from('<t>Größe — ')), new Uint8Array([0xe9, 0x74, 0xe9]), new Uint8Array(Buffer.from(' 日本</t>')));
    expect(decodeFeedBytes(bytes, null)).toBe('<t>Größe — été 日本</t>');
  });

  it('a truncated multi-byte sequence at the end does not produce U+FFFD', () => {
    const bytes = concat(new Uint8Array(Buffer.from('<t>日本')), new Uint8Array([0xe8, 0xaa]));
    const text = decodeFeedBytes(bytes, null);
    expect(text.startsWith('<t>日本')).toBe(true);
    expect(text).not.toContain('\uFFFD');
  });

  it('rejects overlong and surrogate encodings as UTF-8', () => {
    // C0 AF is an overlong "/", ED A0 80 a UTF-16 surrogate: both invalid, so windows-1252 per byte.
    const bytes = concat(ascii('<t>'), new Uint8Array([0xc0, 0xaf, 0xed, 0xa0, 0x80]), ascii('</t>'));
    expect(decodeFeedBytes(bytes, null)).toBe('<t>À¯í\u00a0€</t>');
  });

  it('valid UTF-8 under a latin-1 label (Apache default charset) is read as UTF-8', () => {
    const body = '<?xml version="1.0" encoding="ISO-8859-1"?><t>Inovação Tecnológica</t>';
    const bytes = new Uint8Array(Buffer.from(body));
    expect(decodeFeedBytes(bytes, null)).toBe(body);
    expect(decodeFeedBytes(bytes, 'text/xml; charset=iso-8859-1')).toBe(body);
    expect(decodeFeedBytes(bytes, 'text/xml; charset=us-ascii')).toBe(body);
  });

  it('that override is only for western single-byte labels', () => {
    const bytes = new Uint8Array(Buffer.from('<t>Ð¿</t>')); // valid UTF-8, but labelled windows-1251
    expect(decodeFeedBytes(bytes, 'text/xml; charset=windows-1251')).toBe('<t>ГђВї</t>');
  });

  it('strips whitespace and a BOM before the XML declaration', () => {
    expect(decodeFeedBytes(ascii('\r\n\n  <?xml version="1.0"?><rss/>'), null)).toBe('<?xml version="1.0"?><rss/>');
    expect(decodeFeedBytes(ascii('\xef\xbb\xbf\n<?xml version="1.0"?><rss/>'), null)).toBe('<?xml version="1.0"?><rss/>');
    expect(decodeFeedBytes(ascii('\n<rss/>'), null)).toBe('\n<rss/>');
  });

  it('decodes empty input to an empty string', () => {
    expect(decodeFeedBytes(new Uint8Array(0), null)).toBe('');
    expect(decodeFeedBytes(new Uint8Array(0), 'text/xml; charset=shift_jis')).toBe('');
  });
});

describe('charset helpers', () => {
  it('decodes windows-1252 0x80–0x9F per WHATWG (Node 20.18.3+ TextDecoder does not: nodejs/node#60888)', () => {
    const high = decodeWindows1252(Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i));
    expect(high).toBe('€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ');
    expect(decodeWindows1252(Uint8Array.from([0x41, 0x80, 0x93, 0xe9, 0xff]))).toBe('A€“éÿ');
    // iso-8859-1 and us-ascii labels mean windows-1252 (WHATWG), so smart quotes survive a latin-1 label.
    const bytes = Uint8Array.from([0x3c, 0x74, 0x3e, 0x93, 0x68, 0x69, 0x94, 0x3c, 0x2f, 0x74, 0x3e]);
    expect(decodeFeedBytes(bytes, 'text/xml; charset=ISO-8859-1')).toBe('<t>“hi”</t>');
  });

  it('reads the charset parameter of a Content-Type', () => {
    expect(charsetFromContentType('text/xml; charset=windows-1251')).toBe('windows-1251');
    expect(charsetFromContentType('application/rss+xml;charset="UTF-8"; foo=bar')).toBe('UTF-8');
    expect(charsetFromContentType('text/xml; CHARSET = koi8-r')).toBe('koi8-r');
    expect(charsetFromContentType('text/xml')).toBeNull();
    expect(charsetFromContentType('text/xml; charset=')).toBeNull();
    expect(charsetFromContentType(null)).toBeNull();
  });

  it('resolves labels, including common misspellings', () => {
    expect(resolveCharsetLabel('GB2312')).toBe('gbk');
    expect(resolveCharsetLabel('Shift_JIS')).toBe('shift_jis');
    expect(resolveCharsetLabel('shift-jis')).toBe('shift_jis');
    expect(resolveCharsetLabel('win-1251')).toBe('windows-1251');
    expect(resolveCharsetLabel('CP-1251')).toBe('windows-1251');
    expect(resolveCharsetLabel('latin-1')).toBe('windows-1252');
    expect(resolveCharsetLabel('ISO8859_15')).toBe('iso-8859-15');
    expect(resolveCharsetLabel('tis-620')).toBe('windows-874');
    expect(resolveCharsetLabel('iso-2022-kr')).toBeNull();
    expect(resolveCharsetLabel('no-such-charset')).toBeNull();
  });

  it('reads the declaration with either quote style and leading whitespace', () => {
    expect(declaredEncoding(ascii(`\n <?xml version='1.0' encoding='EUC-JP' standalone='yes'?>`))).toBe('EUC-JP');
    expect(declaredEncoding(ascii('<?xml version="1.0"?><rss encoding="koi8-r"/>'))).toBeNull();
    expect(declaredEncoding(ascii('<rss/>'))).toBeNull();
  });
});
