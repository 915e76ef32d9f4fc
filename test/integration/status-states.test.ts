// `usr-guard status --json` names the right state with real mounts, one sandbox per state.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DIST, runInSandbox, shq, type SandboxSpec } from '../helpers/sandbox.js';
import { shimFunction } from '../helpers/shim.js';

// The bundle must run alone: copy it to a folder with no node_modules anywhere above.
const alone = mkdtempSync(join(tmpdir(), 'ug-alone-'));
copyFileSync(DIST, join(alone, 'usr-guard'));
const prog = join(alone, 'usr-guard');
afterAll(() => rmSync(alone, { recursive: true, force: true }));

/** The state, and whether the hook shim's shell fast path would answer without starting node. */
function status(spec: Omit<SandboxSpec, 'script'>) {
  const r = runInSandbox({
    ...spec,
    script: `${prog} status --json && { sh -c ${shq(`${shimFunction('usr_guard_fast')}\nusr_guard_fast`)}; echo "@@fast=$?"; }`,
  });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const fast = r.stdout.includes('@@fast=0');
  return { ...JSON.parse(r.stdout.slice(0, r.stdout.indexOf('@@fast'))), fast };
}

describe('status --json in each state (real mounts)', () => {
  it.each([
    ['mutable host: writable /usr, no marker', { usr: 'writable' }, 'mutable-host'],
    // The fast path reads the kernel's command line only here (erofs there, as a composefs root has it).
    ['mutable host whose kernel has erofs', { usr: 'writable', erofs: true }, 'mutable-host'],
    ['container=oci', { usr: 'writable', env: { container: 'oci' } }, 'container'],
    ['ostree marker + read-only bind of /usr', { usr: 'host-ro-bind', ostreeBooted: true }, 'image-locked'],
    ['ostree marker + lower-only overlay (image content)', { usr: 'image', ostreeBooted: true }, 'image-locked'],
    [
      'ostree marker + writable overlay + development marker',
      { usr: 'image+overlay', ostreeBooted: true, unlocked: 'development' },
      'image-overlay',
    ],
    [
      'ostree marker + read-only overlay with an upper layer',
      { usr: 'image+overlay-ro', ostreeBooted: true, unlocked: 'transient' },
      'image-overlay-readonly',
    ],
    [
      'ostree marker + writable overlay, no runstate marker',
      { usr: 'image+overlay', ostreeBooted: true },
      'image-hotfix',
    ],
    ['read-only bind of /usr, not image-based', { usr: 'host-ro-bind' }, 'readonly-usr'],
    ['lower-only overlay (a sysext merge), not image-based', { usr: 'image' }, 'readonly-usr'],
    ['composefs-native bootc, no /usr overlay', { usr: 'image', composefs: true }, 'image-locked'],
    ['composefs-native bootc with its transient overlay', { usr: 'image+overlay', composefs: true }, 'image-overlay'],
    ['a container with a read-only root', { usr: 'image', env: { container: 'podman' } }, 'readonly-usr'],
  ] as const)('%s → %s', (_what, spec, state) => {
    const s = status(spec as Omit<SandboxSpec, 'script'>);
    expect(s.state).toBe(state);
    // The shell fast path may only ever answer "proceed silently", and should where it can.
    expect(s.fast).toBe(state === 'mutable-host' || state === 'container');
  });

  it('reports /usr, host, container and the databases', () => {
    const s = status({ usr: 'host-ro-bind', ostreeBooted: true });
    expect(s.usr).toMatchObject({ mountPoint: '/usr', fsType: 'ext4', readOnly: true, overlay: 'none' });
    expect(s.host).toMatchObject({ imageBased: true, ostreeBooted: true, kind: 'ostree' });
    expect(s.container).toEqual({ detected: false, signs: [] });
    expect(s.dpkgDatabase).toMatchObject({ path: '/var/lib/dpkg', onUsr: false });
    expect(s).toHaveProperty('rpmDatabase');
  });

  it('prints a readable summary', () => {
    const r = runInSandbox({ usr: 'host-ro-bind', ostreeBooted: true, script: `${prog} status` });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^state: image-locked\n/);
    expect(r.stdout).toMatch(/refused before anything is downloaded/);
    // Plainly: the database in /var is not updated with the image, and what keeps it true.
    expect(r.stdout).toMatch(
      /^dpkg db +\/var\/lib\/dpkg \(in \/var: kept across reboots, and not updated with the image\)$/m,
    );
    expect(r.stdout).toMatch(/^after a reboot +nothing keeps dpkg true to \/usr/m);
    expect(r.stdout).not.toMatch(/kept true/);
  });

  it('on a locked host, says what to do next and what the package manager offers, as the mode has it', () => {
    const summary = (spec: Omit<SandboxSpec, 'script'>, mode: string) => {
      const r = runInSandbox({ ...spec, script: `USR_GUARD_MODE=${mode} ${prog} status` });
      expect(r.code).toBe(0);
      return r.stdout.slice(0, r.stdout.indexOf('\n\n')).split('\n').slice(2);
    };
    const bootc = { usr: 'image', composefs: true } as const;
    expect(summary(bootc, 'auto')).toEqual([
      '  package changes are refused before anything is downloaded;',
      "  at a terminal, apt, dpkg and dnf offer 'bootc usr-overlay' first.",
      "  To change /usr until the next reboot: run 'bootc usr-overlay'",
      "  (or 'usr-guard overlay'), then the package command again.",
      "  To keep a change: make it in the image's Containerfile and build the image.",
    ]);
    expect(summary(bootc, 'refuse').slice(0, 3)).toEqual([
      '  package changes are refused before anything is downloaded',
      '  (mode = refuse: nobody is offered an overlay).',
      "  To change /usr until the next reboot: run 'bootc usr-overlay'",
    ]);
    expect(summary({ usr: 'host-ro-bind', ostreeBooted: true }, 'auto')[1]).toBe(
      "  at a terminal, apt, dpkg and dnf offer 'ostree admin unlock' first.",
    );
    expect(
      summary({ usr: 'image+overlay-ro', ostreeBooted: true, unlocked: 'transient' }, 'prompt').slice(0, 3),
    ).toEqual([
      '  package changes are refused until the overlay is remounted read-write;',
      "  at a terminal, apt, dpkg and dnf offer 'mount -o remount,rw /usr' first.",
      "  To change /usr until the next reboot: run 'mount -o remount,rw /usr'",
    ]);
    expect(summary(bootc, 'overlay')[0]).toBe("  package changes first run 'bootc usr-overlay' (mode = overlay),");
    expect(summary(bootc, 'warn')[0]).toBe(
      '  package changes go on after a warning (mode = warn): the package manager',
    );
  });

  it('says nothing of reboots or images in a container, or on a mutable host', () => {
    for (const spec of [{ usr: 'writable', env: { container: 'oci' } }, { usr: 'writable' }] as const) {
      const r = runInSandbox({ ...spec, script: `${prog} status` });
      expect(r.stdout).toMatch(/^dpkg db +\/var\/lib\/dpkg$/m);
      expect(r.stdout).not.toMatch(/reboot|with the image|goes with/);
    }
  });
});
