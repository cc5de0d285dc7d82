/** The article page the full-text tests serve: an article amid boilerplate, and scripts everywhere. */

/** A script that writes `file` if anything runs it (test/page.test.ts checks that it would). */
export const scriptFor = (file: string) => `require('fs').writeFileSync(${JSON.stringify(file)}, 'ran')`;

export const PARAGRAPHS = [
  'The harbour had been quiet for most of the winter, and the few boats that went out came back early with little to show for it.',
  'By March the fishermen had started to talk about the new quotas, which nobody in the town had been asked about and nobody liked.',
  'The council met twice in April. Both meetings ran late, and both ended with a promise to write to the ministry once again.',
  'When the letter finally came back it was two pages long and said, in the politest possible way, that nothing would change this year.',
];

/** A page as the web has them: navigation, a sidebar, the article, comments, a footer, and scripts everywhere. */
export function boilerplatePage(canary: string): string {
  const js = scriptFor(canary);
  return `<!doctype html><html><head><meta charset="utf-8"><title>Quiet harbour | The Coast Gazette</title>
<script>${js}</script><script type="module">${js}</script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"A quiet harbour","author":{"@type":"Person","name":"Morag Reid"},"datePublished":"2024-05-02T08:00:00Z"}</script>
<style>body { color: red }</style></head>
<body onload="${js.replace(/"/g, '&quot;')}">
<header><nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/news/">News</a></li><li><a href="/sport/">Sport</a></li><li><a href="/about/">About us</a></li></ul></nav></header>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/x">Celebrity chef opens bistro</a></li><li><a href="/y">Ten best beaches</a></li></ul></aside>
<main><article>
<h1>A quiet harbour</h1>
<p class="byline">By Morag Reid</p>
${PARAGRAPHS.map((p) => `<p>${p}</p>`).join('\n')}
<h2>What the quotas mean</h2>
<ul><li>Cod: down a fifth on last year</li><li>Haddock: unchanged</li></ul>
<blockquote><p>We were never asked, not once, said the harbour master.</p></blockquote>
<pre><code>quota(cod) = 0.8 * quota_2023(cod)</code></pre>
<table><tr><th>Species</th><th>Tonnes</th></tr><tr><td>Cod</td><td>1200</td></tr><tr><td>Haddock</td><td>800</td></tr></table>
<figure><img src="harbour.jpg" alt="Boats tied up in the harbour" onerror="${js.replace(/"/g, '&quot;')}"><figcaption>The harbour in March.</figcaption></figure>
<p>Read <a href="../background/">the background to the quota dispute</a> and <a href="https://ministry.example/quotas">the ministry's notice</a>.</p>
<iframe srcdoc="<script>${js.replace(/"/g, '&quot;')}</script>"></iframe>
</article></main>
<section id="comments" class="comments"><h3>3 comments</h3>
<div class="comment"><p>Comment by troll42: first! Buy cheap watches at example.spam</p></div>
<div class="comment"><p>Comment by anon: this is all the fault of the other lot, obviously.</p></div></section>
<footer><p>Copyright The Coast Gazette. Cookie settings. Terms and privacy.</p></footer>
<script>${js}</script></body></html>`;
}
