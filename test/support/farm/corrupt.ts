/**
 * Faults inside the document: the bytes arrive whole and with a 200, but they are not well-formed XML
 * (or not where a strict parser expects them). A tolerant reader keeps what it can and says so.
 */
import type { Affliction } from './plan.js';

export function corruptDocument(kind: Affliction, xml: string): string {
  switch (kind) {
    case 'malformed-truncated':
      // The connection closed early at some proxy: the document stops mid-element.
      return xml.slice(0, Math.floor(xml.length * 0.6));
    case 'malformed-entity':
      // A CMS that pastes HTML into XML: a bare ampersand and HTML-only entities outside CDATA.
      return xml.replace(/<title>([^<]*)<\/title>/g, '<title>$1 AT&T &amp R&D &nbsp;&copy;&mdash; 2025</title>');
    case 'malformed-nesting':
      // Hand-written templates: inline tags closed in the wrong order, and the first item never closed.
      return xml.replace(/(<\/link>\n)(\s*<comments>)/g, '$1    <b>bold <i>mixed</b></i>\n$2').replace('  </item>\n', '\n');
    case 'leading-whitespace':
      // A PHP file with blank lines before its opening tag: invalid before the XML declaration.
      return '\n\n  ' + xml;
    default:
      return xml;
  }
}
