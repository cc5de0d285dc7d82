// rss-parser 3.13.0's helper module (lib/utils.js), patched in rss-parser.ts. It ships no types.
declare module 'rss-parser/lib/utils.js' {
  const utils: { getSnippet(html: string): string };
  export default utils;
}
