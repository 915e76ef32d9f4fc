// Literal SystemState and Invocation objects for table tests of the pure core.
import { classify } from '../../src/probe/classify.js';
import type { HostFacts, Invocation, StateName, SystemState, UsrFacts } from '../../src/types.js';

const host = (over: Partial<HostFacts> = {}): HostFacts => ({
  kind: 'generic',
  imageBased: false,
  ostreeBooted: false,
  composefs: false,
  unlocked: null,
  bootcInstalled: false,
  otherRoot: false,
  os: { id: 'debian', versionId: '13', prettyName: 'Debian GNU/Linux 13 (trixie)' },
  ...over,
});
const bootc = (over: Partial<HostFacts> = {}) =>
  host({ kind: 'bootc', imageBased: true, ostreeBooted: true, bootcInstalled: true, ...over });
const usr = (readOnly: boolean, overlay: UsrFacts['overlay'] = 'none'): UsrFacts => ({
  mountPoint: '/usr',
  fsType: overlay === 'none' ? 'ext4' : 'overlay',
  source: '/dev/vda',
  readOnly,
  overlay,
  upperdir: overlay === 'unlock' ? '/run/ov/up' : null,
});

const facts: Record<StateName, Pick<SystemState, 'usr' | 'host' | 'container'>> = {
  'mutable-host': { usr: usr(false), host: host(), container: { detected: false, signs: [] } },
  container: { usr: usr(false), host: host(), container: { detected: true, signs: ['env container=oci'] } },
  'image-locked': { usr: usr(true), host: bootc(), container: { detected: false, signs: [] } },
  'image-overlay': {
    usr: usr(false, 'unlock'),
    host: bootc({ unlocked: 'development' }),
    container: { detected: false, signs: [] },
  },
  'image-overlay-readonly': {
    usr: usr(true, 'unlock'),
    host: bootc({ unlocked: 'transient' }),
    container: { detected: false, signs: [] },
  },
  'image-hotfix': { usr: usr(false, 'unlock'), host: bootc(), container: { detected: false, signs: [] } },
  'readonly-usr': { usr: usr(true), host: host(), container: { detected: false, signs: [] } },
  unknown: { usr: null, host: host(), container: { detected: false, signs: [] } },
};

/** A whole SystemState for a state name, built through classify() so the two cannot drift. */
export function stateOf(name: StateName, dpkgOnUsr = false): SystemState {
  const f = facts[name];
  const { state, why } = classify({ ...f, transactionalUpdate: false });
  if (state !== name) throw new Error(`fixture for ${name} classifies as ${state}`);
  return {
    ...f,
    state,
    why,
    transactionalUpdate: false,
    unknowns: [],
    dpkgDatabase: {
      path: '/var/lib/dpkg',
      realPath: dpkgOnUsr ? '/usr/lib/sysimage/dpkg' : '/var/lib/dpkg',
      onUsr: dpkgOnUsr,
    },
    dpkgProtection: dpkgOnUsr ? 'relocated' : 'none',
    rpmDatabase: { path: '/usr/lib/sysimage/rpm', realPath: '/usr/lib/sysimage/rpm', onUsr: true },
    pacmanDatabase: null,
    pacmanProtection: 'none',
  };
}

export function invocation(over: Partial<Invocation> = {}): Invocation {
  return {
    caller: 'apt',
    manager: 'apt',
    frontend: 'apt-get',
    changes: true,
    root: '/',
    interactive: false,
    role: 'decide',
    packages: ['strace'],
    operation: 'install',
    runKey: null,
    said: null,
    ...over,
  };
}
