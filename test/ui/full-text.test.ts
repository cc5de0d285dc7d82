/**
 * Full text in the reader's controller: F fetches the article's page and shows its article, the header
 * says which text is shown, F again shows the feed's summary; a page in the cache opens in full, even
 * with the server gone; a fullText feed's new articles are fetched after a refresh.
 */
import { stripVTControlCharacters } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAgents } from '../../source/core/http.js';
import { DEFAULTS, type Settings } from '../../source/core/settings.js';
import { startPageServer, type PageServer } from '../support/page-server.js';
import { ReaderController, type ControllerDeps } from '../../source/ui/controller.js';
import { article, fixture, FEED_A } from './helpers.js';

const BODY = 'The lighthouse keeper kept a log for forty years, and every entry in it began with the weather. '.repeat(8);
const page = (title: string) =>
  `<html><head><title>${title}</title></head><body><nav><a href="/">Home</a></nav><article><h1>${title}</h1><p>${BODY}</p><p>See <a href="notes/">the notes</a>.</p></article></body></html>`;

let server: PageServer;
beforeAll(async () => {
  server = await startPageServer({
    '/story/1': { body: page('The keeper') },
    '/story/2': { body: page('The second keeper') },
    '/story/3': { body: page('The third keeper') },
    '/unreadable': { body: '<html><body><p>Please enable JavaScript.</p></body></html>' },
  });
});
afterAll(async () => {
  closeAgents();
  await server.close();
});

let f: ReturnType<typeof fixture>;
afterEach(() => f?.close());

/** The article's lines as one string, each wrap a space (the article pane is narrower than the labels). */
const text = () => stripVTControlCharacters(f.controller.openArticle()!.lines.join(' ')).replace(/\s+/g, ' ');
const settle = async (until: () => boolean) => {
  for (let i = 0; i < 200 && !until(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(until()).toBe(true);
};

/** A fixture whose first article links to `path` on the server, with its summary as the feed's text. */
function withArticle(path: string, fullText = false) {
  const settings: Settings = { ...structuredClone(DEFAULTS), feeds: [{ url: FEED_A, ...(fullText ? { fullText: true } : {}) }] };
  f = fixture(0, undefined, { settings });
  f.store.saveFeed(
    FEED_A,
    { title: 'Alpha', link: server.base, articles: [article(1, { link: `${server.base}${path}`, html: '<p>Only a summary.</p>' })] },
    { etag: null, lastModified: null },
  );
  f.controller.dataChanged();
}

describe('full text in the reader', () => {
  it('F fetches the page and shows its article; the header says which text; F again shows the summary', async () => {
    withArticle('/story/1');
    f.press('enter');
    expect(text()).toContain('Only a summary.');
    expect(text()).toContain("The feed's summary — F shows the full text from the page");
    f.press('F');
    expect(text()).toContain('fetching the full text from the page');
    await settle(() => text().includes('The lighthouse keeper'));
    expect(text()).toContain(`Full text from the page (${new URL(server.base).host}) — F shows the feed's summary`);
    expect(text()).not.toContain('Only a summary.');
    expect(f.controller.openArticle()!.links).toContain(`${server.base}/story/notes/`);
    // r on an article showing its full text asks for the page again (and refreshes the feed).
    const hits = server.hits('/story/1');
    f.press('r');
    await settle(() => server.hits('/story/1') === hits + 1 && !text().includes('fetching the full text'));
    expect(text()).toContain('The lighthouse keeper');
    f.press('F');
    expect(text()).toContain('Only a summary.');
    expect(text()).toContain("The feed's summary");
  });

  it('opens an article read in full once in full in a new session, with the server gone', async () => {
    withArticle('/story/2');
    f.press('enter', 'F');
    await settle(() => text().includes('The lighthouse keeper'));
    server.route('/story/2', (req) => req.socket.destroy());
    const hits = server.hits('/story/2');
    // A new reader over the same cache: nothing remembered but what the cache holds.
    const again = new ReaderController((f.controller as unknown as { deps: ControllerDeps }).deps, 120, 40);
    try {
      again.handleKeyName('enter');
      const shown = stripVTControlCharacters(again.openArticle()!.lines.join(' ')).replace(/\s+/g, ' ');
      expect(shown).toContain('The lighthouse keeper');
      expect(shown).toContain('Full text from the page');
      expect(server.hits('/story/2')).toBe(hits);
    } finally {
      again.dispose();
    }
  });

  it("falls back to the feed's summary with one line saying why a page could not be read", async () => {
    withArticle('/unreadable');
    f.press('enter', 'F');
    await settle(() => text().includes('the page could not be read'));
    expect(text()).toMatch(
      /The feed's summary: the page could not be read \(the page has too little text to be an article \(\d+ characters\)\) — F tries again/,
    );
    expect(text()).toContain('Only a summary.');
    // "tries again" does: the page is asked for again, and now it reads.
    const hits = server.hits('/unreadable');
    server.route('/unreadable', { body: page('The keeper, readable at last') });
    f.press('F');
    await settle(() => text().includes('The lighthouse keeper'));
    expect(server.hits('/unreadable')).toBe(hits + 1);
  });

  it("fetches the pages of a fullText feed's new articles after a refresh, and says when they are ready", async () => {
    withArticle('/story/3', true);
    const before = server.hits('/story/3');
    await f.controller.startRefresh([FEED_A], 'Alpha');
    await settle(() => f.controller.state.status?.startsWith('Full text: 1 article saved') === true);
    expect(server.hits('/story/3')).toBe(before + 1);
    f.press('enter');
    expect(text()).toContain('The lighthouse keeper');
    expect(text()).toContain('Full text from the page');
  });
});
