/**
 * Open a link in the user's browser: $BROWSER, else xdg-open (open on macOS). Never through a
 * shell (newsboat's CVE-2017-12904: a title or URL pasted into a shell command line), and only
 * http(s) URLs, passed as one argument.
 */
import { spawn } from 'node:child_process';

export function browserCommand(url: string, env: NodeJS.ProcessEnv = process.env, platform = process.platform): { command: string; args: string[] } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  const href = parsed.href;
  // $BROWSER may hold a command with arguments ("firefox --new-window"): split on spaces, no shell.
  const browser = (env.BROWSER ?? '').split(':')[0]!.trim();
  if (browser) {
    const [command, ...args] = browser.split(/\s+/);
    // The %s convention: replace it with the URL, else append the URL.
    const withUrl = args.some((a) => a.includes('%s')) ? args.map((a) => a.replaceAll('%s', href)) : [...args, href];
    return { command: command!, args: withUrl };
  }
  return { command: platform === 'darwin' ? 'open' : 'xdg-open', args: [href] };
}

export function openInBrowser(url: string): boolean {
  const cmd = browserCommand(url);
  if (!cmd) return false;
  try {
    const child = spawn(cmd.command, cmd.args, { stdio: 'ignore', detached: true, shell: false });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
