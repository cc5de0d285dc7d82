/** The OSC 52 sequence that copies a link: only a clean http(s) URL, base64-encoded, tmux's passthrough added inside tmux. */
import { describe, expect, it } from 'vitest';
import { osc52ForUrl } from '../source/core/clipboard.js';

/** The base64 payloads of every OSC 52 in `bytes`, decoded (passthrough copies have their ESCs doubled). */
function payloads(bytes: string): string[] {
  return [...bytes.matchAll(/\x1b+\]52;c;([A-Za-z0-9+/=]*)\x07/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
}

describe('osc52ForUrl', () => {
  it('is ESC ] 52 ; c ; base64 BEL around the URL', () => {
    const built = osc52ForUrl('https://example.com/a?b=c');
    expect(built).toEqual({
      ok: true,
      url: 'https://example.com/a?b=c',
      sequence: `\x1b]52;c;${Buffer.from('https://example.com/a?b=c').toString('base64')}\x07`,
    });
  });

  it('strips control characters and escape sequences from the URL before it is encoded', () => {
    const built = osc52ForUrl('https://example.com/pa\x1b]0;owned\x07th\x00/\u202ex\x9b2J\r\n');
    expect(built.ok).toBe(true);
    const [decoded] = payloads(built.ok ? built.sequence : '');
    expect(decoded).toBe(built.ok ? built.url : '');
    expect(decoded).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202e]/);
    expect(decoded).toBe('https://example.com/pa]0;ownedth/x2J');
  });

  it('refuses what is not an http(s) link', () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'mailto:a@b.example', '', 'not a url', 'data:text/html,x']) {
      expect(osc52ForUrl(url), url).toEqual({ ok: false, reason: 'no web link to copy' });
    }
  });

  it('refuses a link too long for terminals to take', () => {
    expect(osc52ForUrl(`https://example.com/${'a'.repeat(80_000)}`)).toEqual({ ok: false, reason: 'the link is too long to copy' });
  });

  it("inside tmux adds the copy wrapped in tmux's passthrough, every ESC inside doubled", () => {
    const built = osc52ForUrl('https://example.com/', { inTmux: true });
    if (!built.ok) throw new Error('not built');
    const plain = osc52ForUrl('https://example.com/');
    if (!plain.ok) throw new Error('not built');
    expect(built.sequence.startsWith(plain.sequence)).toBe(true);
    const rest = built.sequence.slice(plain.sequence.length);
    expect(rest).toBe(`\x1bPtmux;\x1b\x1b]52;c;${Buffer.from('https://example.com/').toString('base64')}\x07\x1b\\`);
    expect(payloads(built.sequence)).toEqual(['https://example.com/', 'https://example.com/']);
  });
});
