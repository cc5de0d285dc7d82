import { describe, expect, it } from 'vitest';
import type { Key } from 'ink';
import { buildKeymap, keyNames, resolveAction } from '../../source/ui/keys.js';

const key = (over: Partial<Key> = {}): Key =>
  ({
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
    super: false,
    hyper: false,
    capsLock: false,
    numLock: false,
    ...over,
  }) as Key;

describe('keys', () => {
  it('names keys and splits runs typed fast', () => {
    expect(keyNames('jjjj', key())).toEqual(['j', 'j', 'j', 'j']);
    expect(keyNames('jj\r', key())).toEqual(['j', 'j', 'enter']);
    expect(keyNames('d', key({ ctrl: true }))).toEqual(['ctrl+d']);
    expect(keyNames('', key({ downArrow: true }))).toEqual(['down']);
    expect(keyNames(' ', key())).toEqual(['space']);
    expect(keyNames('G', key({ shift: true }))).toEqual(['G']);
  });

  it("resolves a key by the pane's priorities", () => {
    const { keymap } = buildKeymap({});
    expect(resolveAction('n', ['next-thread', 'next-unread'], keymap)).toBe('next-thread');
    expect(resolveAction('n', ['next-unread', 'next-thread'], keymap)).toBe('next-unread');
    expect(resolveAction('z', ['down'], keymap)).toBeUndefined();
  });

  it('lets settings rebind an action and reports unknown ones', () => {
    const { keymap, unknown } = buildKeymap({ down: ['e', 'down'], explode: ['x'] });
    expect(resolveAction('e', ['down'], keymap)).toBe('down');
    expect(resolveAction('j', ['down'], keymap)).toBeUndefined();
    expect(unknown).toEqual(['explode']);
  });
});
