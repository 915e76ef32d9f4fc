// Exit codes are an interface: the hooks treat only REFUSED as "stop".
// Documented in usr-guard(8) and the README.
export const EXIT = {
  OK: 0, // proceed, or proceed after a warning
  INTERNAL: 1, // usr-guard could not do it (a file system error, or a bug); the hook shims fall back to a shell check
  USAGE: 2, // bad command line, bad input
  REFUSED: 10, // refused, or the offer was declined (the apt-listbugs convention)
} as const;

/** Bad command line or input: exit 2 with the message, never a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A usage error about `command`, in the one voice of the command line: lower case, naming its --help. */
export const commandUsage = (command: string, what: string) =>
  new UsageError(`${command}: ${what} (see usr-guard ${command} --help)`);

/** The command could not be done (a full disk, a read-only file system): exit 1 with the message, no stack trace. */
export class Failure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Failure';
  }
}

// By name, not instanceof: lazily compiled chunks (scripts/build.mjs) carry their own copy of the class.
export const isUsageError = (e: unknown): e is UsageError => e instanceof Error && e.name === 'UsageError';
export const isFailure = (e: unknown): e is Failure => e instanceof Error && e.name === 'Failure';
