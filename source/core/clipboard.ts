/**
 * Copying a link to the user's clipboard with OSC 52 (`ESC ] 52 ; c ; <base64> BEL`): the terminal
 * itself sets its clipboard, so it works over SSH and needs no clipboard tool on the machine.
 *
 * Only a URL that safeUrl accepts (http or https, no control, bidi or zero-width characters, printable
 * ASCII) is copied: what lands in the clipboard is later pasted into shells and browsers, and a feed
 * chooses it. Base64 keeps the sequence itself free of anything a terminal could act on.
 *
 * Inside tmux the sequence goes out twice: once plain, which tmux takes into its own paste buffer and
 * passes on to the outer terminal when `set-clipboard` is `on` (tmux's default, `external`, ignores
 * applications), and once wrapped in tmux's DCS passthrough (`ESC Ptmux; … ESC \`, every ESC doubled),
 * which reaches the outer terminal as is when `allow-passthrough` is on. With both on, the outer
 * terminal is told the same text twice, which is harmless; with neither, nothing is copied and
 * nothing is drawn.
 */
import { safeUrl } from './sanitize.js';

/** xterm's default limit for a selection set by OSC 52 is about 100 KB; no link is near that. */
const MAX_BASE64 = 100_000;

export type ClipboardSequence = { ok: true; url: string; sequence: string } | { ok: false; reason: string };

/** The bytes that copy `url`, or why it cannot be copied. `inTmux`: add the passthrough copy. */
export function osc52ForUrl(url: string, options: { inTmux?: boolean } = {}): ClipboardSequence {
  const clean = safeUrl(url);
  if (!clean) return { ok: false, reason: 'no web link to copy' };
  const base64 = Buffer.from(clean, 'utf8').toString('base64');
  if (base64.length > MAX_BASE64) return { ok: false, reason: 'the link is too long to copy' };
  const plain = `\x1b]52;c;${base64}\x07`;
  if (!options.inTmux) return { ok: true, url: clean, sequence: plain };
  const passthrough = `\x1bPtmux;${plain.replaceAll('\x1b', '\x1b\x1b')}\x1b\\`;
  return { ok: true, url: clean, sequence: plain + passthrough };
}
