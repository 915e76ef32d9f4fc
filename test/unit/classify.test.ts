// Facts → state name, including the cases the probe must not get wrong.
import { describe, expect, it } from 'vitest';
import { classify, refineWithBootc, type Facts } from '../../src/probe/classify.js';
import { stateOf } from '../helpers/states.js';
import type { HostFacts, UsrFacts } from '../../src/types.js';

const plain: HostFacts = {
  kind: 'generic',
  imageBased: false,
  ostreeBooted: false,
  composefs: false,
  unlocked: null,
  bootcInstalled: false,
  otherRoot: false,
  os: { id: null, versionId: null, prettyName: null },
};
const ostree: HostFacts = { ...plain, kind: 'bootc', imageBased: true, ostreeBooted: true, bootcInstalled: true };
const composefs: HostFacts = { ...plain, kind: 'bootc', imageBased: true, composefs: true };
const usr = (readOnly: boolean, overlay: UsrFacts['overlay']): UsrFacts => ({
  mountPoint: '/usr',
  fsType: 'x',
  source: 'x',
  readOnly,
  overlay,
  upperdir: null,
});
const none = { detected: false, signs: [] };
const f = (u: UsrFacts | null, host: HostFacts, over: Partial<Facts> = {}): Facts => ({
  usr: u,
  host,
  container: none,
  transactionalUpdate: false,
  ...over,
});

describe('classify', () => {
  it.each([
    ['plain writable host', f(usr(false, 'none'), plain), 'mutable-host'],
    ['plain host, /usr read-only', f(usr(true, 'none'), plain), 'readonly-usr'],
    ['plain host, sysext merged (lower-only overlay)', f(usr(true, 'image'), plain), 'readonly-usr'],
    ['plain host, writable overlay is not an unlock', f(usr(false, 'unlock'), plain), 'mutable-host'],
    ['ostree, read-only bind', f(usr(true, 'none'), ostree), 'image-locked'],
    ['ostree, lower-only overlay (image content)', f(usr(true, 'image'), ostree), 'image-locked'],
    [
      'ostree, writable overlay + development marker',
      f(usr(false, 'unlock'), { ...ostree, unlocked: 'development' }),
      'image-overlay',
    ],
    ['ostree, writable overlay, no marker: hotfix', f(usr(false, 'unlock'), ostree), 'image-hotfix'],
    [
      'ostree, read-only overlay with upper',
      f(usr(true, 'unlock'), { ...ostree, unlocked: 'transient' }),
      'image-overlay-readonly',
    ],
    ['composefs /, no /usr mount', f(usr(true, 'image'), composefs), 'image-locked'],
    ['composefs, bootc transient overlay', f(usr(false, 'unlock'), composefs), 'image-overlay'],
    ['image host, writable /usr without overlay', f(usr(false, 'none'), ostree), 'unknown'],
    [
      'container, writable',
      f(usr(false, 'none'), plain, { container: { detected: true, signs: ['env container=oci'] } }),
      'container',
    ],
    [
      'container beats host markers',
      f(usr(false, 'none'), ostree, { container: { detected: true, signs: ['/run/.containerenv'] } }),
      'container',
    ],
    [
      'read-only container',
      f(usr(true, 'none'), plain, { container: { detected: true, signs: ['/.dockerenv'] } }),
      'readonly-usr',
    ],
    // TRANSACTIONAL_UPDATE=true is a claim: the evidence decides (tukit's snapshot has a writable /usr).
    [
      'TRANSACTIONAL_UPDATE=true, /usr writable (a snapshot)',
      f(usr(false, 'none'), plain, { transactionalUpdate: true }),
      'mutable-host',
    ],
    [
      'TRANSACTIONAL_UPDATE=true on a read-only /usr',
      f(usr(true, 'none'), plain, { transactionalUpdate: true }),
      'readonly-usr',
    ],
    [
      'TRANSACTIONAL_UPDATE=true on a locked image host',
      f(usr(true, 'image'), ostree, { transactionalUpdate: true }),
      'image-locked',
    ],
    [
      'another root (a chroot), writable /usr',
      f(usr(false, 'unlock'), { ...plain, otherRoot: true, ostreeBooted: true }),
      'mutable-host',
    ],
    ['another root (a chroot), read-only /usr', f(usr(true, 'none'), { ...plain, otherRoot: true }), 'readonly-usr'],
    ['nothing known about /usr', f(null, plain), 'unknown'],
  ] as const)('%s → %s', (_what, facts, state) => {
    expect(classify(facts).state).toBe(state);
  });

  it('ostree unlocked, but no overlay in this mount namespace: locked here, and says why', () => {
    const r = classify(f(usr(true, 'none'), { ...ostree, unlocked: 'development' }));
    expect(r.state).toBe('image-locked');
    expect(r.why).toMatch(
      /^ostree unlocked this deployment \(development\), but its overlay is not on \/usr in this mount namespace/,
    );
  });

  it('says when it is another root', () => {
    expect(classify(f(usr(false, 'none'), { ...plain, otherRoot: true })).why).toMatch(/^another root \(a chroot/);
  });
});

describe('status --deep: what bootc says wins', () => {
  it.each([
    [{ accessMode: 'readWrite', persistence: 'transient' }, 'image-overlay'],
    [{ accessMode: 'readWrite', persistence: 'persistent' }, 'image-hotfix'],
    [{ accessMode: 'readOnly', persistence: 'transient' }, 'image-overlay-readonly'],
  ])('usrOverlay %j → %s', (usrOverlay, state) => {
    expect(refineWithBootc(stateOf('image-overlay'), { tracked: true, usrOverlay }).state).toBe(state);
  });
  it('keeps the probe when bootc tracks no image, or says nothing of /usr', () => {
    expect(refineWithBootc(stateOf('image-locked'), { tracked: false, usrOverlay: null }).state).toBe('image-locked');
    expect(refineWithBootc(stateOf('image-locked'), { tracked: true, usrOverlay: null }).state).toBe('image-locked');
  });
});
