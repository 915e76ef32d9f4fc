// Entry point: parse the command line, run one command, map the outcome to an
// exit code. The only file that calls process.exit.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { VERSION } from './version.js';
import { commandUsage as usage, EXIT, isFailure, isUsageError, UsageError } from './exit-codes.js';
import { makeOut, type Out } from './output.js';
import { CALLERS, type Caller } from './types.js';
import { guardLine } from './messages/check.js';
import {
  CONTEXT_NOT_ABSOLUTE,
  callerMustBe,
  commandNeeded,
  internalError,
  notTogether,
  optionNeedsValue,
  optionTakesNoValue,
  unexpectedArgument,
  unknownCommand,
  unknownLeadingOption,
  unknownOption,
} from './messages/command-line.js';

type Values = Record<string, string | boolean | string[] | undefined>;

const COMMON = { help: { type: 'boolean', short: 'h' } } as const;
const OPTIONS: Record<string, ParseArgsConfig['options']> = {
  status: {
    ...COMMON,
    json: { type: 'boolean' },
    deep: { type: 'boolean' },
    prometheus: { type: 'boolean' },
    export: { type: 'boolean' },
  },
  check: {
    ...COMMON,
    caller: { type: 'string' },
    command: { type: 'string' },
    root: { type: 'string' },
    'download-only': { type: 'boolean' },
    'assume-yes': { type: 'boolean' },
    'assume-no': { type: 'boolean' },
    'read-only': { type: 'boolean' },
    package: { type: 'string', multiple: true },
  },
  install: {
    ...COMMON,
    root: { type: 'string' },
    without: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'dpkg-db': { type: 'string' },
    'relocate-dpkg-db': { type: 'boolean' },
  },
  uninstall: { ...COMMON, root: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  overlay: { ...COMMON, 'read-only': { type: 'boolean' }, drop: { type: 'boolean' } },
  'restore-dpkg-db': { ...COMMON },
  'restore-pacman-db': { ...COMMON },
  'dpkg-db': { ...COMMON, root: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  diff: {
    ...COMMON,
    json: { type: 'boolean' },
    containerfile: { type: 'boolean' },
    'last-boot': { type: 'boolean' },
  },
  keep: {
    ...COMMON,
    'dry-run': { type: 'boolean' },
    context: { type: 'string' },
    undo: { type: 'boolean' },
    rebase: { type: 'boolean' },
  },
};

/**
 * The hook shim always calls `check --caller NAME -- ARGS…`. That exact shape is
 * read directly: parseArgs loads Node's internal parser, ~2 ms of the ~5 ms a
 * hook run may add to bare node (see npm run bench). Anything else, parseArgs.
 */
function hookShape(command: string, args: string[]): { values: Values; positionals: string[] } | null {
  if (command !== 'check' || args[0] !== '--caller' || args[2] !== '--' || args[1] === undefined) return null;
  return { values: { caller: args[1] }, positionals: args.slice(3) };
}

function parse(command: string, args: string[]): { values: Values; positionals: string[] } {
  const hook = hookShape(command, args);
  if (hook) return hook;
  try {
    return parseArgs({ args, options: OPTIONS[command], allowPositionals: true, strict: true }) as {
      values: Values;
      positionals: string[];
    };
  } catch (e) {
    // parseArgs says it in Node's words; say it in ours, from its error code and the option it names.
    const { code, message } = e as NodeJS.ErrnoException;
    const option = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw usage(command, unknownOption(option));
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
      throw usage(command, /does not take/.test(message) ? optionTakesNoValue(option) : optionNeedsValue(option));
    throw usage(command, message.toLowerCase());
  }
}

async function run(argv: string[], out: Out): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError(commandNeeded(Object.keys(OPTIONS)));
  if (command === '--help' || command === '-h' || command === 'help') {
    const { HELP } = await import('./help.js');
    out.out(HELP.main);
    return EXIT.OK;
  }
  if (command === '--version' || command === '-V') {
    out.out(`usr-guard ${VERSION}\n`);
    return EXIT.OK;
  }
  // Before a command only --help and --version are options.
  if (command.startsWith('-')) throw new UsageError(unknownLeadingOption(command));
  if (!Object.hasOwn(OPTIONS, command)) throw new UsageError(unknownCommand(command, Object.keys(OPTIONS)));
  const { values, positionals } = parse(command, rest);
  if (values.help) {
    const { HELP } = await import('./help.js');
    out.out(HELP[command as keyof typeof HELP]);
    return EXIT.OK;
  }
  const env = process.env;
  const isRoot = process.getuid?.() === 0;
  switch (command) {
    case 'status': {
      if (positionals.length > 0) throw usage('status', unexpectedArgument(positionals[0]));
      if (values.prometheus === true && values.json === true)
        throw usage('status', notTogether(['--json', '--prometheus']));
      const { statusCommand } = await import('./commands/run-status.js');
      return statusCommand(
        {
          json: values.json === true,
          deep: values.deep === true,
          prometheus: values.prometheus === true,
          export: values.export === true,
        },
        env,
        isRoot,
        out,
      );
    }
    case 'check': {
      const caller = values.caller as string | undefined;
      if (!caller || !(CALLERS as readonly string[]).includes(caller)) {
        throw usage('check', callerMustBe(CALLERS, caller));
      }
      const { checkCommand } = await import('./check/index.js');
      return checkCommand(
        {
          caller: caller as Caller,
          command: values.command as string | undefined,
          root: values.root as string | undefined,
          downloadOnly: values['download-only'] === true,
          assumeYes: values['assume-yes'] === true,
          assumeNo: values['assume-no'] === true,
          readOnly: values['read-only'] === true,
          packages: (values.package as string[] | undefined) ?? [],
        },
        positionals,
        env,
        isRoot,
        out,
      );
    }
    case 'diff': {
      if (positionals.length > 0) throw usage('diff', unexpectedArgument(positionals[0]));
      if (values.json === true && values.containerfile === true)
        throw usage('diff', notTogether(['--json', '--containerfile']));
      if (values['last-boot'] === true) {
        const { lastBootCommand } = await import('./commands/run-last-boot.js');
        return lastBootCommand({ json: values.json === true, containerfile: values.containerfile === true }, out);
      }
      const { diffCommand } = await import('./commands/run-diff.js');
      return diffCommand(
        { json: values.json === true, containerfile: values.containerfile === true },
        env,
        isRoot,
        out,
      );
    }
    case 'keep': {
      if (positionals.length > 0) throw usage('keep', unexpectedArgument(positionals[0]));
      const context = values.context as string | undefined;
      const modes = [
        values.undo === true && '--undo',
        values.rebase === true && '--rebase',
        context !== undefined && '--context',
      ];
      const chosen = modes.filter((m): m is string => m !== false);
      if (chosen.length > 1) throw usage('keep', notTogether(chosen));
      if (context !== undefined && !context.startsWith('/')) throw usage('keep', CONTEXT_NOT_ABSOLUTE);
      const { keepCommand } = await import('./commands/run-keep.js');
      return keepCommand(
        {
          dryRun: values['dry-run'] === true,
          context: context ?? null,
          undo: values.undo === true,
          rebase: values.rebase === true,
        },
        env,
        isRoot,
        out,
      );
    }
    case 'restore-dpkg-db': {
      if (positionals.length > 0) throw usage('restore-dpkg-db', unexpectedArgument(positionals[0]));
      const { restoreCommand } = await import('./commands/run-restore.js');
      return restoreCommand(env, isRoot, out);
    }
    case 'restore-pacman-db': {
      if (positionals.length > 0) throw usage('restore-pacman-db', unexpectedArgument(positionals[0]));
      const { restorePacmanCommand } = await import('./commands/run-restore-pacman.js');
      return restorePacmanCommand(env, isRoot, out);
    }
    case 'dpkg-db': {
      const { dpkgDbCommand } = await import('./commands/run-dpkg-db.js');
      return dpkgDbCommand(
        positionals,
        (values.root as string | undefined) ?? '/',
        values['dry-run'] === true,
        env,
        out,
      );
    }
    case 'overlay': {
      if (positionals.length > 0) throw usage('overlay', unexpectedArgument(positionals[0]));
      if (values.drop === true) {
        if (values['read-only'] === true) throw usage('overlay', notTogether(['--drop', '--read-only']));
        const { dropCommand } = await import('./commands/run-drop.js');
        return dropCommand(env, isRoot, out);
      }
      const { overlayCommand } = await import('./commands/run-overlay.js');
      return overlayCommand(values['read-only'] === true, env, isRoot, out);
    }
    default: {
      if (positionals.length > 0) throw usage(command, unexpectedArgument(positionals[0]));
      const { installCommand } = await import('./commands/run-install.js');
      const without =
        typeof values.without === 'string'
          ? values.without
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : [];
      const root = (values.root as string | undefined) ?? '/';
      const { askedChoice } = await import('./commands/dpkg-db.js');
      const dpkgDb =
        command === 'install'
          ? askedChoice(command, values['dpkg-db'] as string | undefined, values['relocate-dpkg-db'] === true)
          : undefined;
      return installCommand(command as 'install' | 'uninstall', root, without, values['dry-run'] === true, out, dpkgDb);
    }
  }
}

async function main(): Promise<void> {
  const out = makeOut(process.env);
  let code: number;
  try {
    code = await run(process.argv.slice(2), out);
  } catch (e) {
    if (isUsageError(e)) {
      out.err([guardLine(e.message)]);
      code = EXIT.USAGE;
    } else if (isFailure(e)) {
      out.err([guardLine(e.message)]);
      code = EXIT.INTERNAL;
    } else {
      // Never a stack trace for a person; USR_GUARD_DEBUG=1 shows it.
      out.err([internalError((e as Error)?.message ?? String(e))]);
      if (process.env.USR_GUARD_DEBUG) out.err([String((e as Error)?.stack ?? e)]);
      code = EXIT.INTERNAL;
    }
  }
  // Exit now rather than when the event loop runs dry: everything was written
  // with writeSync and every child awaited, and node's full teardown costs a
  // hook run about 0.3 ms more (npm run bench). 'exit' handlers still run.
  process.exit(code);
}

void main();
