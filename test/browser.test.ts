import { describe, expect, it } from 'vitest';
import { browserCommand } from '../source/core/browser.js';

describe('browserCommand', () => {
  it('passes the URL as one argument to $BROWSER, or to xdg-open / open', () => {
    expect(browserCommand('https://example.org/a b', {}, 'linux')).toEqual({ command: 'xdg-open', args: ['https://example.org/a%20b'] });
    expect(browserCommand('http://example.org/', {}, 'darwin')).toEqual({ command: 'open', args: ['http://example.org/'] });
    expect(browserCommand('https://example.org/', { BROWSER: 'firefox --new-window' })).toEqual({
      command: 'firefox',
      args: ['--new-window', 'https://example.org/'],
    });
    expect(browserCommand('https://example.org/', { BROWSER: 'w3m %s:lynx' })).toEqual({ command: 'w3m', args: ['https://example.org/'] });
  });

  it('keeps shell metacharacters inside the one argument, where no shell will read them', () => {
    const cmd = browserCommand('https://example.org/$(touch /tmp/x);`id`|rm', {}, 'linux');
    expect(cmd?.args).toHaveLength(1);
    expect(cmd?.args[0]).toMatch(/^https:\/\/example\.org\//);
  });

  it('opens nothing but http(s)', () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,x', 'exec:rm -rf /', 'not a url', '']) {
      expect(browserCommand(url, {}, 'linux')).toBeNull();
    }
  });
});
