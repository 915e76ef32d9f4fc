// Exit codes are an interface: the hooks treat only REFUSED as "stop".
// Documented in usr-guard(8) and the README.
export const EXIT = {
  OK: 0, // proceed, or proceed after a warning
  INTERNAL: 1, // usr-guard itself failed; the hook shims fall back to a shell check
  USAGE: 2, // bad command line, bad input
  REFUSED: 10, // refused, or the offer was declined (the apt-listbugs convention)
} as const;

export class UsageError extends Error {}
