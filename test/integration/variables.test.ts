// Other tools' variables, and usr-guard's own, in root's shell (issue 21,
// items 1 and 2): none lets a run past a read-only /usr, and every one that
// relaxes the guard is in the trail. The real apt and dpkg on a locked host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptRun, expectAptRefused, LOCKED } from '../helpers/apt-runs.js';
import { aptFixture, removeAll } from '../helpers/fixtures.js';
import { runInSandbox, type SandboxSpec } from '../helpers/sandbox.js';

let image: string;
let repo: string;
beforeAll(() => ({ image, repo } = aptFixture(['ughello'])));
afterAll(() => removeAll(image, repo));

const apt = (spec: Omit<SandboxSpec, 'script' | 'image'>, cmd: string, setup = '') => aptRun({ ...spec, image }, cmd, repo, setup);
const deb = () => `${repo}/ughello_1.0_all.deb`;

describe("container= in root's shell on a booted image host", () => {
  it.each([
    ['apt-get install', () => 'container=1 apt-get install -y ughello'],
    ['dpkg -i', () => `container=oci dpkg -i ${deb()}`],
  ])('%s: still the image host, refused before the download, with its advice', (_what, cmd) => {
    const r = apt(LOCKED, cmd());
    expectAptRefused(r);
    expect(r.stderr).toContain('This is an image-based (ostree) host');
    expect(r.stderr).not.toContain('container');
  });

  const state = (spec: Omit<SandboxSpec, 'script'>, prefix = '') => {
    const r = runInSandbox({ ...spec, script: `${prefix} usr-guard status --json` });
    return JSON.parse(r.stdout) as { state: string; container: { signs: string[] } };
  };

  it("is read where systemd-detect-virt reads it: PID 1's environment, /run/systemd/container, /run/.containerenv", () => {
    expect(state({ ...LOCKED, image }, 'container=1').state).toBe('image-locked');
    // A container's PID 1 has it (bootc's order: containers first, a host /run may be bound in).
    const pid1 = state({ ...LOCKED, image, env: { container: 'podman' } });
    expect(pid1).toMatchObject({ state: 'readonly-usr', container: { signs: ["PID 1's container=podman"] } });
    expect(state({ usr: 'writable', image }, 'mkdir -p /run/systemd && echo docker > /run/systemd/container;').state).toBe('container');
    expect(state({ usr: 'writable', image }, 'touch /run/.containerenv;').state).toBe('container');
    // Where nothing says it is an image host, the caller's own still names a container (a status for a person).
    expect(state({ usr: 'writable', image }, 'umount /proc; container=oci').container.signs).toEqual(['env container=oci']);
  });
});
