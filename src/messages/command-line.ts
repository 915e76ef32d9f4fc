// What usr-guard says of a command line it cannot take (src/cli.ts and the
// commands' own checks): each is the `what` of commandUsage (exit-codes.ts),
// which names the command and its --help; those before a command name none.

export const unknownOption = (option: string) => `unknown option '${option}'`;

export const optionTakesNoValue = (option: string) => `option '${option}' takes no value`;

export const optionNeedsValue = (option: string) => `option '${option}' needs a value`;

export const unexpectedArgument = (argument: string | undefined) => `unexpected argument '${argument}'`;

/** Options that exclude each other, as given: '--json and --prometheus do not go together'. */
export const notTogether = (options: string[]) => `${options.join(' and ')} do not go together`;

export const callerMustBe = (callers: readonly string[], given: string | undefined) =>
  `--caller must be one of ${callers.join(', ')}${given ? `, not '${given}'` : ''}`;

export const CONTEXT_NOT_ABSOLUTE = '--context needs an absolute folder';

/** Before a command: no command, an option other than --help and --version, a command usr-guard lacks. */
export const commandNeeded = (commands: string[]) =>
  `a command is needed: ${commands.join(', ')} (see usr-guard --help)`;

export const unknownLeadingOption = (option: string) =>
  `unknown option '${option}': before a command only --help and --version (see usr-guard --help)`;

export const unknownCommand = (command: string, commands: string[]) =>
  `unknown command '${command}': the commands are ${commands.join(', ')} (see usr-guard --help)`;

/** Anything else that went wrong: a bug, said in a line (USR_GUARD_DEBUG=1 adds the stack). */
export const internalError = (why: string) => `usr-guard: internal error: ${why}`;
