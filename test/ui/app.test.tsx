import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../source/ui/App.js';
import { buildTheme } from '../../source/ui/theme.js';
import { buildKeymap } from '../../source/ui/keys.js';
import { fixture } from './helpers.js';

let f: ReturnType<typeof fixture>;
afterEach(() => {
  cleanup();
  f?.close();
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
async function until(frame: () => string | undefined, test: (text: string) => boolean, what: string) {
  for (let i = 0; i < 100; i++) {
    await tick();
    const text = frame() ?? '';
    if (test(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`);
}

function mount() {
  // ink-testing-library's stdout is 100 columns with no rows: the size goes in through the controller.
  f = fixture(40, { columns: 100, rows: 20 });
  const { paint } = buildTheme({}, false);
  return render(<App controller={f.controller} paint={paint} keymap={buildKeymap({}).keymap} now={() => Date.UTC(2026, 10, 25, 12)} />);
}

describe('App wiring', () => {
  it('draws the header, the visible rows only, and the key hint', async () => {
    const app = mount();
    const frame = await until(app.lastFrame, (t) => t.includes('Story number 1'), 'the list');
    expect(frame).toContain('Broadsheet — All articles  40 unread');
    expect(frame).toContain('Story number 17');
    expect(frame).not.toContain('Story number 18');
    expect(frame).toContain('j/k move');
    expect(frame.split('\n')).toHaveLength(19);
  });

  it('moves with j, opens with Enter, and returns with h', async () => {
    const app = mount();
    await until(app.lastFrame, (t) => t.includes('Story number 1'), 'the list');
    app.stdin.write('j');
    await tick();
    app.stdin.write('\r');
    const article = await until(app.lastFrame, (t) => t.includes('Body of story 2.'), 'the article');
    expect(article).toContain('[1] https://a.example/ref/2');
    expect(article).toContain('39 unread');
    app.stdin.write('h');
    await until(app.lastFrame, (t) => t.includes('Story number 3'), 'the list again');
  });

  it('filters with / and clears with Esc', async () => {
    const app = mount();
    await until(app.lastFrame, (t) => t.includes('Story number 1'), 'the list');
    app.stdin.write('/');
    await until(app.lastFrame, (t) => t.split('\n').at(-1)!.startsWith('/'), 'the search prompt');
    app.stdin.write('number 3');
    await tick();
    app.stdin.write('\r');
    const filtered = await until(app.lastFrame, (t) => t.includes('/number 3'), 'the filter');
    expect(filtered).toContain('Story number 30');
    expect(filtered).not.toContain('Story number 2 ');
    app.stdin.write('/');
    await until(app.lastFrame, (t) => t.split('\n').at(-1)!.startsWith('/'), 'the search prompt');
    app.stdin.write('\x1b');
    await until(app.lastFrame, (t) => t.includes('Story number 2') && !t.includes('/number 3'), 'the cleared list');
  });

  it('takes text typed in the same chunk as the / that opened the prompt', async () => {
    const app = mount();
    await until(app.lastFrame, (t) => t.includes('Story number 1'), 'the list');
    app.stdin.write('/number 2\r');
    const filtered = await until(app.lastFrame, (t) => t.includes('/number 2'), 'the filter');
    expect(filtered).toContain('Story number 20');
    expect(filtered).not.toContain('Story number 3 ');
  });

  it('shows every key on ? and closes on any key', async () => {
    const app = mount();
    await until(app.lastFrame, (t) => t.includes('Story number 1'), 'the list');
    app.stdin.write('?');
    const help = await until(app.lastFrame, (t) => t.includes('Keys —'), 'the help screen');
    expect(help).toContain('next-unread');
    app.stdin.write('x');
    await until(app.lastFrame, (t) => t.includes('Story number 1'), 'the list again');
  });
});
