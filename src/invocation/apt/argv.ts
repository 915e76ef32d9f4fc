// What an apt or apt-get command line asks for. Pure. apt's JSON hook reads it
// where apt hands over no configuration (before apt 2.9.11), and
// APT::Install::Pre-Invoke where no JSON hook decided (it gets no
// configuration, and fires for `-s` too); the DPkg hooks fire only when dpkg
// really runs, and take the target root from what dpkg will do, never from here.

import type { Operation } from '../../types.js';
import { findB, parseAptCommandLine, type ConfigSource } from './cmdline.js';

export interface AptCommand {
  command: string | null;
  /** -s, --download-only, --print-uris, as apt reads them (values, last one wins): nothing will be unpacked. */
  readOnly: boolean;
  assumeYes: boolean;
  /** --purge, or the purge command: a removal that takes the configuration too. */
  purge: boolean;
  /** --reinstall, or the reinstall command: apt's JSON hook does not list what it reinstalls (its mode stays "keep"). */
  reinstall: boolean;
  packages: string[];
  /** The command's arguments as typed (package names, .deb files). */
  args: string[];
  operation: Operation;
  /** What set the configuration, in order; with a -c file among them only apt-config knows the outcome. */
  sources: ConfigSource[];
}

/** What a command of apt, apt-get or aptitude does to packages. */
const OPERATIONS = new Map<string, Operation>([
  ...['install', 'reinstall', 'build-dep', 'satisfy'].map((c) => [c, 'install'] as const),
  ...['remove', 'purge', 'autoremove', 'auto-remove', 'autopurge'].map((c) => [c, 'remove'] as const),
  ...['upgrade', 'dist-upgrade', 'full-upgrade', 'dselect-upgrade', 'safe-upgrade'].map((c) => [c, 'upgrade'] as const),
]);

/** The operation of `command` with `packages`: an install of nothing is finishing what is half done (-f install). */
export function aptOperation(command: string | null, packages: string[]): Operation {
  const op = (command !== null && OPERATIONS.get(command)) || 'other';
  return op === 'install' && packages.length === 0 && command === 'install' ? 'fix' : op;
}

/** ./foo_1.0_all.deb names package foo; foo/trixie and foo=1.0 stay as typed. */
export function debPackageName(arg: string): string {
  return arg.endsWith('.deb') ? arg.replace(/^.*\//, '').replace(/(_.*)?\.deb$/, '') : arg;
}

/** `binary` is the front end's name: apt-get's option table, unless it is apt. */
export function parseAptArgv(binary: string, argv: string[]): AptCommand {
  const { config, sources, files, error } = parseAptCommandLine(binary === 'apt' ? 'apt' : 'apt-get', argv);
  const [command = null, ...rest] = files;
  return {
    command,
    // A line apt would not accept never reaches a hook; read as a change, never as a pass.
    readOnly:
      error === null &&
      ['APT::Get::Simulate', 'APT::Get::Download-Only', 'APT::Get::Print-URIs'].some((k) => findB(config, k)),
    assumeYes: findB(config, 'APT::Get::Assume-Yes'),
    purge: command === 'purge' || command === 'autopurge' || findB(config, 'APT::Get::Purge'),
    reinstall: command === 'reinstall' || findB(config, 'APT::Get::ReInstall'),
    packages: rest.map(debPackageName),
    args: rest,
    operation: aptOperation(command, rest),
    sources,
  };
}
