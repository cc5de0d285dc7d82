/** Errors every front end (the headless commands and the reader) reports the same way. */

/** The command line or the terminal is not what was asked for: one line on stderr, exit code 2. */
export class UsageError extends Error {}
