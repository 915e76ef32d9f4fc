// dnf with usr-guard's real plugin, shim and dnf5 action, in each host state.
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRpmRepo, dnfUseRepo, missingRpmTool } from '../helpers/rpms.js';
import { buildImage, REPO, runAndCompare, runInSandbox, type SandboxSpec } from '../helpers/sandbox.js';

const HEADLINE = 'error: read-only /usr detected, refusing to operate. See `man dnf-image-based` for more information.';
const missing = missingRpmTool();
if (missing) console.log(`SKIP dnf tests: ${missing} is not installed (Debian package dnf, rpm or createrepo-c)`);
const LOCKED = { usr: 'image', ostreeBooted: true } as const;

let image: string;
let noShim: string;
let repo: string;
beforeAll(() => {
  if (missing) return;
  image = buildImage();
  noShim = buildImage(['--without', 'dnf-shim']);
  repo = buildRpmRepo(['ugrpm-1.0', 'ugrpm-2.0']);
});
afterAll(() => {
  for (const d of [image, noShim, repo]) if (d) rmSync(d, { recursive: true, force: true });
});

/** Run cmd (after setup); report rpm's view and /usr before and after. */
function dnf(spec: Omit<SandboxSpec, 'script' | 'image'>, cmd: string, imageDir = image, setup = '') {
  const snap = 'rpm -qa | sort | sha256sum; ls -la --time-style=full-iso /usr/bin | sha256sum';
  return runAndCompare({ ...spec, image: imageDir }, `${dnfUseRepo(repo)}\n${setup}`, snap, cmd);
}

function expectRefused(r: ReturnType<typeof dnf>) {
  expect(r.stderr).toContain(HEADLINE);
  expect(r.rc).not.toBe(0);
  expect(r.unchanged).toBe(true); // rpm's database and /usr are as they were
  expect(r.stdout).not.toMatch(/Downloading Packages/);
}

describe.skipIf(missing !== null)('dnf on a locked image host', () => {
  it.each([
    ['dnf install (through the shim)', 'dnf -y install ugrpm'],
    ['dnf install without -y', 'dnf install ugrpm </dev/null'],
    ['dnf --noplugins install (the shim is the backstop)', 'dnf --noplugins -y install ugrpm'],
    ['yum-style alias: dnf in', 'dnf -y in ugrpm'],
  ])('%s is refused', (_what, cmd) => {
    expectRefused(dnf(LOCKED, cmd));
  });

  it('the plugin alone refuses install, before the download', () => {
    const r = dnf(LOCKED, '/usr/bin/dnf -y install ugrpm', noShim);
    expectRefused(r);
    // On dnf's command line its "Error:" line does not say again what the words above said.
    expect(r.stderr).toMatch(/^Error: usr-guard refused the transaction; nothing was changed\.$/m);
    expect(r.stderr.split('ostree admin unlock')).toHaveLength(2);
  });

  // ugrpm 1.0 recorded as installed (in rpm's database only: /usr stays read-only).
  const installed = () => `rpm -i --force-debian --justdb --nodeps --ignoresize ${repo}/ugrpm-1.0-1.noarch.rpm`;
  it.each([
    ['dnf remove', '/usr/bin/dnf -y remove ugrpm'],
    ['dnf upgrade', '/usr/bin/dnf -y upgrade'],
  ])('the plugin alone refuses %s', (_what, cmd) => {
    const r = dnf(LOCKED, cmd, noShim, installed());
    expectRefused(r);
  });

  it.each([
    ['dnf remove', 'dnf -y remove ugrpm'],
    ['dnf upgrade', 'dnf -y upgrade'],
  ])('the shim refuses %s', (_what, cmd) => {
    expectRefused(dnf(LOCKED, cmd, image, installed()));
  });

  it.each([
    ['dnf search', 'dnf search ugrpm'],
    ['dnf info', 'dnf info ugrpm'],
    ['dnf repoquery', 'dnf repoquery ugrpm'],
    ['dnf makecache', 'dnf makecache'],
    ['dnf install --downloadonly', 'dnf -y install --downloadonly ugrpm'],
    ['dnf install --assumeno', 'dnf --assumeno install ugrpm || [ $? -eq 1 ]'],
    [
      'dnf --installroot elsewhere',
      'mkdir -p /tmp/ir && dnf -y --installroot=/tmp/ir --releasever=1 install ugrpm && test -x /tmp/ir/usr/bin/ugrpm',
    ],
  ])('%s proceeds in silence', (_what, cmd) => {
    const r = dnf(LOCKED, cmd);
    expect(r.rc).toBe(0);
    expect(r.stderr).not.toContain('usr-guard');
    expect(r.stderr).not.toContain('read-only /usr');
  });
});

describe.skipIf(missing !== null)('dnf elsewhere', () => {
  // A composefs host: dnf 4.21 and later run their own bootc check where
  // /run/ostree-booted exists, and it needs libostree, which these sandboxes lack.
  it('a transient overlay: the install goes on, with one warning', () => {
    const r = dnf({ usr: 'image+overlay', composefs: true }, 'dnf -y install ugrpm && ugrpm');
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('ugrpm 2.0');
    expect(r.stderr.match(/usr-guard: warning/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/discarded at reboot/);
  });

  it.each([
    ['a mutable host', { usr: 'writable' }],
    ['a container build', { usr: 'writable', env: { container: 'oci' } }],
  ] as const)('%s: installs in silence', (_what, spec) => {
    const r = dnf(spec, 'dnf -y install ugrpm && rpm -q ugrpm && dnf -y remove ugrpm');
    expect(r.rc).toBe(0);
    expect(r.stderr).not.toContain('usr-guard');
  });
});

describe.skipIf(missing !== null)('the dnf5 action', () => {
  // Run the action's command line as libdnf5-plugin-actions would: substitute
  // ${pid} (a process whose argv is a dnf5 command line) and ${conf.installroot},
  // and answer its request for the transaction (json mode) with `packages`.
  const line = readFileSync(`${REPO}/dnf-plugin/usr-guard.actions`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('goal_resolved:'))!;
  const [callback, filter, direction, options, command] = line.split(':');

  it('is a host-only goal_resolved action in json mode; only its stop request stops dnf5', () => {
    expect([callback, filter, direction]).toEqual(['goal_resolved', '', '']);
    expect(options!.split(' ').sort()).toEqual(['enabled=host-only', 'mode=json', 'raise_error=0']);
  });

  /** `name` is what runs the transaction: dnf5 itself, or a library client such as dnf5daemon-server. */
  function action(
    spec: Omit<SandboxSpec, 'script' | 'image'>,
    dnf5Args: string,
    name = 'dnf5',
    packages = [{ name: 'ugrpm', action: 'I' }],
  ) {
    // Its output goes elsewhere, so that its sleep does not hold the sandbox's pipes once killed.
    const fake = `mkdir -p /tmp/fake && printf '#!/bin/sh\\nsleep 30\\n' > /tmp/fake/${name} && chmod +x /tmp/fake/${name} && /tmp/fake/${name} ${dnf5Args} >/dev/null 2>&1 & pid=$!; sleep 0.2`;
    const reply = JSON.stringify({
      op: 'reply',
      requested_op: 'get',
      domain: 'trans_packages',
      return: { trans_packages: packages },
      status: 'OK',
    });
    const argv = command!.replace('${pid}', '$pid').replace('${conf.installroot}', '/');
    const r = runInSandbox({
      ...spec,
      image,
      script: `${fake}\necho '${reply}' > /tmp/in\n${argv} </tmp/in >/tmp/out 2>/tmp/err; rc=$?; kill $pid; cat /tmp/out; cat /tmp/err >&2; echo "@@rc=$rc"`,
    });
    const requests = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { op: string; domain: string; args: { message?: string } });
    return { ...r, requests, stop: requests.find((q) => q.op === 'stop')?.args.message };
  }

  it('asks for the transaction, and on a locked host sends a stop request with the reason, its text on stderr', () => {
    const r = action(LOCKED, 'install -y ugrpm');
    expect(r.requests[0]).toMatchObject({ op: 'get', domain: 'trans_packages' });
    expect(r.stop).toMatch(
      /^usr-guard refused: \/usr is read-only on this image-based host; nothing was changed\. To try it/,
    );
    expect(r.stdout).toContain('@@rc=10');
    expect(r.stderr).toContain(HEADLINE);
  });

  // At goal_resolved a transaction exists: it is a change unless the command line plainly says not.
  it.each([
    ['dnf5daemon-server (a library client)', '', 'dnf5daemon-server'],
    ['packagekitd', '', 'packagekitd'],
    ['a command dnf5 does not list', 'frobnicate ugrpm', 'dnf5'],
    ['options with values before the command', '--setvar arch=x --enable-repo fedora install ugrpm', 'dnf5'],
    ['a flag that looked like it took a value', '--use-host-config install ugrpm', 'dnf5'],
  ])('stops %s on a locked host', (_what, args, name) => {
    const r = action(LOCKED, args, name);
    expect(r.stop).toMatch(
      /^usr-guard refused: \/usr is read-only on this image-based host; nothing was changed\. .* See man dnf-image-based\.$/,
    );
    expect(r.stdout).toContain('@@rc=10');
  });

  it('says nothing for an empty transaction ("Nothing to do"), a read-only command or on a mutable host', () => {
    for (const r of [action(LOCKED, 'install -y ugrpm', 'dnf5', []), action(LOCKED, 'install --downloadonly ugrpm')]) {
      expect(r.stop).toBeUndefined();
      expect(r.stdout).toContain('@@rc=0');
      expect(r.stderr).toBe('');
    }
    expect(action({ usr: 'writable' }, 'install -y ugrpm').stdout.trim()).toBe('@@rc=0');
  });
});
