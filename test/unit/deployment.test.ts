// ostree's upper layers named from where they were mounted, resolved against
// the booted deployment (src/probe/deployment.ts), and never read from here.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readUpper } from '../../src/diff/upper.js';
import { resolveUpperdir, upperdirNeedsDeployment, type Deployment } from '../../src/probe/deployment.js';
import { coveringMount, parseMountinfo, usrFactsFrom } from '../../src/probe/mountinfo.js';

const CSUM = 'a0204381e318d776701e450a385bebbf108b12f4b35c29981dc81d0656adfd07';
const BOOTED: Deployment = { os: 'debian', name: `${CSUM}.0`, dir: `/sysroot/ostree/deploy/debian/deploy/${CSUM}.0` };
const upperOf = (name: string) =>
  usrFactsFrom(
    coveringMount(
      parseMountinfo(readFileSync(new URL(`../fixtures/mountinfo/${name}.txt`, import.meta.url), 'utf8')),
      '/usr',
    )!,
  ).upperdir!;

describe('the upper layer, resolved against the booted deployment', () => {
  it.each([
    // what mountinfo says (fixture or line), where it is
    ['ostree 2022.7 --hotfix (a real mount line)', upperOf('ostree-2022-hotfix'), `${BOOTED.dir}/.usr-ovl-upper`],
    [
      'ostree 2025.3 --transient (its descriptor of the backing folder)',
      upperOf('ostree-2025-transient-ro'),
      `/sysroot/ostree/deploy/debian/backing/${CSUM}.0/usr-transient/upper`,
    ],
    [
      'ostree 2022.7 development: already absolute',
      upperOf('rhcos-after-usroverlay'),
      '/var/tmp/ostree-unlock-ovl.TCPM50/upper',
    ],
    ['a relative path with a folder', 'a/../.usr-ovl-upper', `${BOOTED.dir}/.usr-ovl-upper`],
  ])('%s', (_what, upperdir, where) => {
    expect(resolveUpperdir(upperdir, BOOTED)).toBe(where);
  });

  it('without a booted deployment: null for the forms that need one, the path for the others', () => {
    expect(resolveUpperdir('.usr-ovl-upper', null)).toBeNull();
    expect(resolveUpperdir('/proc/self/fd/49/upper', null)).toBeNull();
    expect(resolveUpperdir('/run/ov/up', null)).toBe('/run/ov/up');
  });

  it('never gives a path relative to this process, or through its own descriptors', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.constantFrom('.usr-ovl-upper', '/proc/self/fd/7/upper', '/var/tmp/x/upper')),
        fc.boolean(),
        (upperdir, booted) => {
          const r = resolveUpperdir(upperdir, booted ? BOOTED : null);
          if (r !== null) expect(upperdirNeedsDeployment(r)).toBe(false);
        },
      ),
    );
  });
});

describe('diff never reads such a path from where it runs', () => {
  it.each(['.usr-ovl-upper', '/proc/self/fd/0/upper'])('%s: not read, and says why', (upperdir) => {
    const r = readUpper(upperdir);
    expect(r).toEqual({
      ok: false,
      why: expect.stringContaining('named from where it was mounted, the booted ostree deployment'),
    });
  });
});
