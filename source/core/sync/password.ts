/**
 * The password, from the settings' passwordCommand, at the moment a login needs it; kept in memory
 * only. The command is run as a feed's is (feed-auth.ts): split into words and run without a shell,
 * so nothing in it or in a password is ever interpreted by one (`pass show ttrss`, `secret-tool lookup
 * service ttrss`); a user who wants a pipeline writes `sh -c '…'` themselves. Its failures become
 * SyncErrors, one line naming the program and its exit status, never what it printed.
 */
import { runPasswordCommand, splitCommand } from '../feed-auth.js';
import { SyncError } from './types.js';

export { splitCommand };

export async function readPassword(command: string): Promise<string> {
  try {
    return await runPasswordCommand(command);
  } catch (error) {
    throw new SyncError((error as Error).message);
  }
}
