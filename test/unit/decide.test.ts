// The decision table, as a table: state × invocation × mode → verdict.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/index.js';
import { decide } from '../../src/check/decide.js';
import { refusalLines, refusalSummary } from '../../src/messages/index.js';
import type { Invocation, Mode, StateName, VerdictKind } from '../../src/types.js';
import { invocation, stateOf } from '../helpers/states.js';

const HEADLINE_APT =
  'error: read-only /usr detected, refusing to operate. See `man apt-image-based` for more information.';
const HEADLINE_DNF =
  'error: read-only /usr detected, refusing to operate. See `man dnf-image-based` for more information.';

type Row = [StateName, Partial<Invocation>, Mode, VerdictKind];
const table: Row[] = [
  // state                    invocation                          mode       verdict
  ['mutable-host', {}, 'auto', 'proceed'],
  ['container', {}, 'auto', 'proceed'],
  ['image-locked', {}, 'auto', 'refuse'],
  ['image-locked', { interactive: true }, 'auto', 'offer'],
  ['image-locked', { interactive: true }, 'prompt', 'offer'],
  ['image-locked', { interactive: true }, 'refuse', 'refuse'],
  ['image-locked', {}, 'overlay', 'offer'],
  ['image-locked', {}, 'warn', 'warn'],
  ['image-locked', {}, 'off', 'proceed'],
  ['image-locked', { changes: false }, 'auto', 'proceed'],
  ['image-locked', { root: '/target' }, 'auto', 'proceed'],
  ['image-locked', { interactive: true, role: 'backstop' }, 'auto', 'refuse'],
  ['image-overlay-readonly', {}, 'auto', 'refuse'],
  ['image-overlay-readonly', { interactive: true }, 'auto', 'offer'],
  // Not image-based: apt's hooks wait for the admin's DPkg::Pre-Invoke (a remount); Pre-Install-Pkgs and dpkg judge.
  ['readonly-usr', {}, 'auto', 'proceed'],
  ['readonly-usr', { caller: 'apt-pkgs', role: 'backstop' }, 'auto', 'refuse'],
  ['readonly-usr', { caller: 'dpkg' }, 'auto', 'refuse'],
  ['readonly-usr', { caller: 'dpkg', interactive: true }, 'auto', 'refuse'],
  ['readonly-usr', { caller: 'dpkg' }, 'overlay', 'refuse'],
  ['readonly-usr', { caller: 'dnf', manager: 'dnf', frontend: 'dnf' }, 'auto', 'refuse'],
  ['image-overlay', {}, 'auto', 'warn'],
  ['image-overlay', { role: 'backstop' }, 'auto', 'proceed'],
  ['image-overlay', { changes: false }, 'auto', 'proceed'],
  ['image-hotfix', {}, 'auto', 'warn'],
  ['unknown', {}, 'auto', 'warn'],
  ['unknown', { role: 'backstop' }, 'auto', 'proceed'],
  ['readonly-usr', { caller: 'apt-json' }, 'auto', 'proceed'],
  // mode = warn: the backstops let it through too, and say so only where no hook of the run has.
  ['image-locked', { role: 'backstop' }, 'warn', 'warn'],
  ['image-locked', { role: 'backstop', said: 'warn' }, 'warn', 'proceed'],
];

/** What a hook of the same run said before: the run hears one message. [state, invocation, mode, verdict, says anything]. */
const once: [StateName, Partial<Invocation>, Mode, VerdictKind, boolean][] = [
  ['image-locked', { said: 'refuse' }, 'auto', 'refuse', false],
  ['image-locked', { said: 'refuse', role: 'backstop' }, 'auto', 'refuse', false],
  // The decider said it would change nothing, yet dpkg runs: the backstop says why it refuses.
  ['image-locked', { said: 'proceed', role: 'backstop' }, 'auto', 'refuse', true],
  // Declined once (aptitude's recovery run): not asked again.
  ['image-locked', { said: 'refuse', interactive: true }, 'auto', 'refuse', false],
  ['image-overlay', { said: 'warn' }, 'auto', 'warn', false],
  // A long-lived front end (packagekitd): refused before, the host unlocked since: it hears the warning.
  ['image-overlay', { said: 'refuse' }, 'auto', 'warn', true],
  ['unknown', { said: 'warn' }, 'auto', 'warn', false],
];

describe('decide', () => {
  it.each(table)('%s %j mode=%s → %s', (state, inv, mode, expected) => {
    const v = decide(stateOf(state), invocation(inv), { ...defaultConfig(), mode });
    expect(v.verdict).toBe(expected);
    if (expected === 'proceed') expect(v.message).toEqual([]);
    else expect(v.message.length).toBeGreaterThan(0);
  });

  it.each(once)('%s %j mode=%s → %s (says something: %s)', (state, inv, mode, expected, says) => {
    const v = decide(stateOf(state), invocation(inv), { ...defaultConfig(), mode });
    expect(v.verdict).toBe(expected);
    expect(v.message.length > 0).toBe(says);
  });

  it('starts every refusal with the exact headline, per package manager', () => {
    expect(decide(stateOf('image-locked'), invocation(), defaultConfig()).message[0]).toBe(HEADLINE_APT);
    expect(
      decide(stateOf('readonly-usr'), invocation({ caller: 'dnf', manager: 'dnf', frontend: 'dnf' }), defaultConfig())
        .message[0],
    ).toBe(HEADLINE_DNF);
  });

  it('names bootc only on a bootc host', () => {
    const bootcMsg = decide(stateOf('image-locked'), invocation(), defaultConfig()).message.join('\n');
    expect(bootcMsg).toContain('bootc usr-overlay');
    expect(bootcMsg).toContain('RUN apt-get install -y strace');
    const generic = decide(stateOf('readonly-usr'), invocation({ caller: 'dpkg' }), defaultConfig()).message.join('\n');
    expect(generic).not.toContain('bootc');
  });

  it('offers the overlay or the remount that fits the state', () => {
    const cfg = { ...defaultConfig(), mode: 'overlay' as const };
    expect(decide(stateOf('image-locked'), invocation(), cfg)).toMatchObject({ ask: false, action: 'usr-overlay' });
    expect(decide(stateOf('image-overlay-readonly'), invocation({ interactive: true }), defaultConfig())).toMatchObject(
      { ask: true, action: 'remount-rw' },
    );
  });

  it('warns about dpkg drift only when the database is on persistent storage', () => {
    const persistent = decide(stateOf('image-overlay'), invocation(), defaultConfig()).message.join('\n');
    expect(persistent).toMatch(/discarded at reboot/);
    expect(persistent).toMatch(/\/etc and \/var persist.*dpkg's database in \/var\/lib\/dpkg/);
    expect(persistent).toContain('(strace)');
    const relocated = decide(stateOf('image-overlay', true), invocation(), defaultConfig()).message.join('\n');
    expect(relocated).not.toMatch(/list packages whose files are gone/);
  });

  it('tells unattended-upgrades to be turned off, and nothing that does not apply to it', () => {
    const msg = decide(
      stateOf('image-locked'),
      invocation({ frontend: 'unattended-upgrade', operation: 'upgrade', packages: [] }),
      defaultConfig(),
    ).message;
    expect(msg.slice(1)).toEqual([
      '  This is an image-based (bootc) host: unattended-upgrades cannot change it. Turn it off',
      "  ('systemctl disable --now apt-daily-upgrade.timer') and update the image instead ('bootc upgrade').",
    ]);
  });

  it('says when a hotfix overlay goes away', () => {
    expect(decide(stateOf('image-hotfix'), invocation(), defaultConfig()).message[0]).toMatch(/next deployment/);
  });
});

describe('advice that fits the operation (image-locked, bootc)', () => {
  // Where nobody was asked, the refusal's last line says why (the test below); the advice is the rest.
  const lines = (over: Partial<Invocation>) =>
    decide(stateOf('image-locked'), invocation(over), defaultConfig())
      .message.slice(2)
      .filter((l) => !l.startsWith('  No overlay was offered'));
  const TRY = "  To try it until the next reboot: run 'bootc usr-overlay', then run this command again.";
  const DEPLOY = "build the image, then 'bootc upgrade' (or 'bootc switch') to it.";
  it.each([
    [
      'apt install',
      { operation: 'install', packages: ['strace'] },
      [TRY, `  To keep it: add 'RUN apt-get install -y strace' to the image's Containerfile, ${DEPLOY}`],
    ],
    [
      'apt remove',
      { operation: 'remove', packages: ['less'] },
      [TRY, `  To remove it for good: add 'RUN apt-get purge -y less' to the image's Containerfile, ${DEPLOY}`],
    ],
    [
      'dnf remove',
      { manager: 'dnf', frontend: 'dnf', operation: 'remove', packages: ['x'] },
      [TRY, `  To remove it for good: add 'RUN dnf remove -y x' to the image's Containerfile, ${DEPLOY}`],
    ],
    [
      'dnf install (a dnf with --transient)',
      { manager: 'dnf', frontend: 'dnf', operation: 'install', packages: ['x'], transientOption: true },
      [
        "  To try it until the next reboot: run 'bootc usr-overlay' (or pass --transient to dnf), then run this command again.",
        `  To keep it: add 'RUN dnf install -y x' to the image's Containerfile, ${DEPLOY}`,
      ],
    ],
    [
      'dnf install (dnf 4.14: no --transient)',
      { manager: 'dnf', frontend: 'dnf', operation: 'install', packages: ['x'], transientOption: false },
      [TRY, `  To keep it: add 'RUN dnf install -y x' to the image's Containerfile, ${DEPLOY}`],
    ],
    [
      'apt-get upgrade',
      { operation: 'upgrade', packages: [] },
      [
        "  To update: 'bootc upgrade' moves this host to the image's newest build (rebuild the image for newer packages).",
      ],
    ],
    [
      'apt-get -f install',
      { operation: 'fix', packages: [] },
      [`  The packages to fix are the image's: fix them in its Containerfile, ${DEPLOY}`],
    ],
    [
      'an install with no names',
      { operation: 'install', packages: [] },
      [TRY, `  To keep it: make the change in the image's Containerfile, ${DEPLOY}`],
    ],
  ] as const)('%s', (_what, over, expected) => {
    expect(lines(over as unknown as Partial<Invocation>)).toEqual(expected);
  });

  it('says in a line why no overlay was offered, where one could have been; and a declined offer is not made again', () => {
    const said = (over: Partial<Invocation>) =>
      decide(stateOf('image-locked'), invocation(over), defaultConfig()).message;
    expect(said({ notAsked: 'it runs with -y (assume yes)' }).at(-1)).toBe(
      '  No overlay was offered: it runs with -y (assume yes).',
    );
    expect(said({ notAsked: 'there is no terminal to ask on' }).at(-1)).toBe(
      '  No overlay was offered: there is no terminal to ask on.',
    );
    // Where the refusal names no overlay to try (an upgrade, a fix, unattended-upgrades), no such line.
    for (const over of [
      { operation: 'upgrade' },
      { operation: 'fix' },
      { frontend: 'unattended-upgrade', operation: 'upgrade' },
    ] as const) {
      expect(said(over).join('\n')).not.toContain('No overlay was offered');
    }
    const declined = refusalLines(stateOf('image-locked'), invocation(), true).join('\n');
    expect(declined).not.toContain('bootc usr-overlay');
    expect(declined).toContain('RUN apt-get install -y strace');
  });

  it('names the upgrade of the host that fits it: rpm-ostree on the rpm family, ostree admin elsewhere', () => {
    const upgrade = (id: string) => {
      const s = stateOf('image-locked');
      return decide(
        { ...s, host: { ...s.host, kind: 'ostree', os: { ...s.host.os, id } } },
        invocation({ operation: 'upgrade', packages: [] }),
        defaultConfig(),
      ).message.join('\n');
    };
    expect(upgrade('fedora')).toContain("'rpm-ostree upgrade'");
    expect(upgrade('debian')).toContain("'ostree admin upgrade'");
    expect(upgrade('debian')).not.toContain('rpm-ostree');
  });

  it('never shows a placeholder, whatever the state, operation and manager', () => {
    for (const state of ['image-locked', 'image-overlay-readonly', 'readonly-usr'] as const) {
      for (const operation of ['install', 'remove', 'upgrade', 'fix', 'other'] as const) {
        for (const manager of ['apt', 'dnf'] as const) {
          const msg = decide(
            stateOf(state),
            invocation({ operation, manager, caller: manager === 'apt' ? 'dpkg' : 'dnf', packages: [] }),
            defaultConfig(),
          ).message.join('\n');
          expect(msg).not.toMatch(/PACKAGE|undefined|null/);
        }
      }
    }
  });

  it('names a local package file as a file to copy into the build', () => {
    expect(lines({ operation: 'install', packages: [], localFiles: ['./x_1.0_all.deb'] })[1]).toBe(
      `  To keep it: add 'COPY x_1.0_all.deb /tmp/' and 'RUN apt-get install -y /tmp/x_1.0_all.deb' to the image's Containerfile, ${DEPLOY}`,
    );
    expect(
      lines({
        manager: 'dnf',
        frontend: 'dnf',
        operation: 'install',
        packages: ['y'],
        localFiles: ['/root/a.rpm', 'b.rpm'],
      })[1],
    ).toBe(
      `  To keep it: add 'COPY a.rpm /tmp/', 'COPY b.rpm /tmp/' and 'RUN dnf install -y y /tmp/a.rpm /tmp/b.rpm' to the image's Containerfile, ${DEPLOY}`,
    );
  });

  it('says the refusal in one line, with the next step, for library clients', () => {
    expect(
      refusalSummary(stateOf('image-locked'), invocation({ manager: 'dnf', frontend: 'dnf', packages: ['x'] })),
    ).toBe(
      "usr-guard refused: /usr is read-only on this image-based host; nothing was changed. To try it until the next reboot: run 'bootc usr-overlay', then run this command again. See man dnf-image-based.",
    );
  });
});
