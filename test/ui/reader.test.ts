import { describe, expect, it } from 'vitest';
import { initialState, layout, reduce, type ReaderState } from '../../source/ui/state/reader.js';

const withList = (s: ReaderState, count: number) => reduce(s, { type: 'list-count', count });

describe('reader layout', () => {
  it('puts list and article side by side from 120 columns', () => {
    const wide = initialState(120, 40);
    const l = layout(wide);
    expect(l.split).toBe(true);
    expect(l.listWidth + l.articleWidth).toBe(120);
    // Frame is rows-1 tall: one header, one status line.
    expect(l.bodyHeight).toBe(40 - 1 - 2);
  });

  it('gives the whole screen to one pane when narrower', () => {
    let s = initialState(80, 30);
    expect(layout(s)).toMatchObject({ listWidth: 80, articleWidth: 0 });
    s = reduce(withList(s, 10), { type: 'open', id: 7 });
    expect(layout(s)).toMatchObject({ listWidth: 0, articleWidth: 80 });
    s = reduce(s, { type: 'back' });
    expect(s.focus).toBe('list');
    expect(layout(s)).toMatchObject({ listWidth: 80, articleWidth: 0 });
  });

  it('shows comments beside the article at 160 columns, in its place below', () => {
    let s = reduce(reduce(initialState(160, 40), { type: 'open', id: 1 }), { type: 'toggle-comments' });
    let l = layout(s);
    expect(l.articleWidth).toBeGreaterThan(0);
    expect(l.commentsWidth).toBeGreaterThan(0);
    expect(l.listWidth + l.articleWidth + l.commentsWidth).toBe(160);
    s = reduce(s, { type: 'resize', columns: 130, rows: 40 });
    l = layout(s);
    expect(l.articleWidth).toBe(0);
    expect(l.commentsWidth).toBeGreaterThan(0);
  });

  it('adds the sidebar and re-fits the list on resize', () => {
    let s = withList(initialState(120, 40), 200);
    s = reduce(s, { type: 'move', by: 'bottom' });
    s = reduce(s, { type: 'resize', columns: 120, rows: 20 });
    expect(s.list.height).toBe(17);
    expect(s.list.cursor - s.list.offset).toBeLessThan(17);
    s = reduce(s, { type: 'toggle-sidebar' });
    expect(layout(s).sidebarWidth).toBeGreaterThan(0);
    expect(s.focus).toBe('sidebar');
  });
});

describe('reader reducer', () => {
  it('moves, half-pages and jumps', () => {
    let s = withList(initialState(120, 40), 100);
    s = reduce(s, { type: 'move', by: 1 });
    expect(s.list.cursor).toBe(1);
    s = reduce(s, { type: 'move', by: 'half-down' });
    expect(s.list.cursor).toBe(19);
    s = reduce(s, { type: 'move', by: 'bottom' });
    expect(s.list.cursor).toBe(99);
    s = reduce(s, { type: 'move', by: 'top' });
    expect(s.list.cursor).toBe(0);
  });

  it('opens an article at its top and keeps the scroll in bounds', () => {
    let s = reduce(initialState(120, 40), { type: 'open', id: 3 });
    expect(s.focus).toBe('article');
    s = reduce(s, { type: 'scroll-article', by: 'page-down', lineCount: 100 });
    expect(s.articleScroll).toBe(36);
    s = reduce(s, { type: 'scroll-article', by: 'bottom', lineCount: 100 });
    expect(s.articleScroll).toBe(100 - 37);
    s = reduce(s, { type: 'scroll-article', by: 5, lineCount: 100 });
    expect(s.articleScroll).toBe(100 - 37);
    s = reduce(s, { type: 'scroll-article', by: 'page-up', lineCount: 100 });
    expect(s.articleScroll).toBe(100 - 37 - 36);
    s = reduce(s, { type: 'open', id: 4 });
    expect(s.articleScroll).toBe(0);
    // A short article does not scroll at all.
    expect(reduce(s, { type: 'scroll-article', by: 'page-down', lineCount: 10 }).articleScroll).toBe(0);
  });

  it('applies a search from the top and closes the prompt', () => {
    let s = reduce(withList(initialState(120, 40), 100), { type: 'move', by: 30 });
    s = reduce(s, { type: 'prompt', prompt: { kind: 'search', value: '' } });
    s = reduce(s, { type: 'search', query: 'ink' });
    expect(s).toMatchObject({ search: 'ink', prompt: null });
    expect(s.list.cursor).toBe(0);
  });

  it('changes scope and clears the search', () => {
    let s = reduce(initialState(120, 40), { type: 'search', query: 'x' });
    s = reduce(s, { type: 'scope', scope: { kind: 'tag', tag: 'news' } });
    expect(s).toMatchObject({ search: '', scope: { kind: 'tag', tag: 'news' }, focus: 'list' });
  });

  it('collects link digits', () => {
    let s = reduce(initialState(120, 40), { type: 'digit', digit: '1' });
    s = reduce(s, { type: 'digit', digit: '2' });
    expect(s.digits).toBe('12');
    expect(reduce(s, { type: 'clear-digits' }).digits).toBe('');
  });
});
