// The offer: a real prompt on a pseudo-terminal (script(1)), a stand-in for
// bootc that makes the real overlay mount, and the trail in a private /dev/log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptUseRepo } from '../helpers/debs.js';
import { aptFixture, removeAll } from '../helpers/fixtures.js';
import { runInSandbox, type SandboxSpec } from '../helpers/sandbox.js';
import { LISTEN, LOG, logOf } from '../helpers/syslog.js';

const HEADLINE = 'error: read-only /usr detected, refusing to operate. See `man apt-image-based` for more information.';
const LOCKED = { usr: 'image', ostreeBooted: true } as const;
let image: string;
let repo: string;
beforeAll(() => ({ image, repo } = aptFixture(['ughello'])));
afterAll(() => removeAll(image, repo));

/** Stand-ins for bootc, by behaviour. "works" makes the real overlay and the runstate marker, as bootc on ostree does. */
const BOOTC: Record<string, string> = {
  works: `[ "$1" = usr-overlay ] || exit 2
mkdir -p /run/ug-ov/up /run/ug-ov/wk
mount -t overlay overlay -o lowerdir=/usr,upperdir=/run/ug-ov/up,workdir=/run/ug-ov/wk /usr || exit 1
if [ "$2" = --read-only ]; then mount -o remount,ro /usr; state=transient; else state=development; fi
mkdir -p /run/ostree/deployment-state/0a1b2c.0 && touch /run/ostree/deployment-state/0a1b2c.0/unlocked-$state
echo "Development mode enabled.  A writable overlayfs is now mounted on /usr."`,
  fails: 'echo "error: This command must be executed as the root user" >&2; exit 1',
  already: `mkdir -p /run/ug-ov/up /run/ug-ov/wk
mount -t overlay overlay -o lowerdir=/usr,upperdir=/run/ug-ov/up,workdir=/run/ug-ov/wk /usr
echo "error: Deployment is already in unlocked state: development" >&2; exit 1`,
  hangs: 'exec sleep 100',
};

/** Shell that installs a bootc stand-in and a config pointing at it, and listens on /dev/log. */
function setup(bootc: keyof typeof BOOTC, mode = 'auto'): string {
  return `${aptUseRepo(repo)}
mkdir -p /tmp/ugbin && cat > /tmp/ugbin/bootc <<'UGEOF'
#!/bin/sh
${BOOTC[bootc]}
UGEOF
chmod +x /tmp/ugbin/bootc
printf '[guard]\\nmode = ${mode}\\nprompt_timeout = 3\\noverlay_timeout = 3\\n\\n[paths]\\nbootc = /tmp/ugbin/bootc\\n' > /etc/usr-guard/usr-guard.conf
${LISTEN}
before=$(sha256sum </var/lib/dpkg/status)`;
}

const finish = `rc=$?
[ "$before" = "$(sha256sum </var/lib/dpkg/status)" ] && echo "@@dpkg-unchanged" || echo "@@dpkg-changed"
echo "@@rc=$rc"; ${LOG}`;

function run(spec: Omit<SandboxSpec, 'script' | 'image'>, bootc: keyof typeof BOOTC, cmd: string, mode = 'auto') {
  const raw = runInSandbox({ ...spec, image, script: `${setup(bootc, mode)}\n${cmd}\n${finish}` });
  // On a terminal usr-guard colours its messages: compare the text.
  const plain = (t: string) => t.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r/g, '');
  const r = { ...raw, stdout: plain(raw.stdout), stderr: plain(raw.stderr) };
  const log = logOf(r.stdout);
  return {
    ...r,
    rc: Number(/@@rc=(\d+)/.exec(r.stdout)?.[1] ?? -1),
    dpkgUnchanged: r.stdout.includes('@@dpkg-unchanged'),
    log,
  };
}

/** apt-get install on a terminal (script(1) gives it a pty), with these keystrokes. */
const onTerminal = (keys: string, cmd = 'apt-get install ughello') => `${keys} | script -qec '${cmd}' /dev/null`;

describe('the offer on a terminal', () => {
  it('y: the overlay is made, and the install goes on with the warning', () => {
    const r = run(LOCKED, 'works', `${onTerminal("printf 'y\\nY\\n'")} && dpkg -s ughello >/dev/null && ughello`);
    expect(r.stdout).toMatch(
      /\/usr is read-only on this bootc host\. Install into a transient overlay that is discarded at reboot \(runs 'bootc usr-overlay'\)\? \[y\/N\]/,
    );
    expect(r.stdout).toContain('Development mode enabled.');
    expect(r.stdout).toMatch(/usr-guard: warning: \/usr is a transient overlay/);
    expect(r.stdout).toContain('ughello 1.0');
    expect(r.rc).toBe(0);
    expect(r.log).toMatch(/usr-guard.*offered a transient overlay/);
    expect(r.log).toMatch(/usr-guard.*answer to the overlay offer: yes/);
    expect(r.log).toMatch(
      /usr-guard.*made \/usr writable with '\/tmp\/ugbin\/bootc usr-overlay' \(image-overlay\).*apt-get install ughello/,
    );
  });

  it.each([
    ['n', "printf 'n\\n'", 'no'],
    ['EOF (Ctrl-D)', "printf '\\004'", 'eof'],
    ['no answer in time', 'sleep 6', 'timeout'],
  ])('%s: refused, nothing changed', (_what, keys, answer) => {
    const r = run(LOCKED, 'works', onTerminal(keys));
    // Only a question that timed out says so.
    expect(r.stdout.includes('usr-guard: no answer in 3 seconds: the question timed out, taken as no.')).toBe(
      answer === 'timeout',
    );
    expect(r.stdout).toContain(HEADLINE);
    expect(r.rc).not.toBe(0);
    expect(r.dpkgUnchanged).toBe(true);
    expect(r.log).toContain(`answer to the overlay offer: ${answer}`);
    // Declined: the refusal does not offer it again.
    expect(r.stdout.slice(r.stdout.indexOf(HEADLINE))).not.toMatch(
      /To try it until the next reboot|No overlay was offered/,
    );
  });

  it('Ctrl-C: refused, nothing changed', () => {
    const r = run(LOCKED, 'works', onTerminal("printf '\\003'; sleep 1"));
    expect(r.rc).not.toBe(0);
    expect(r.dpkgUnchanged).toBe(true);
    expect(r.stdout).not.toContain('ughello 1.0');
  });

  it('-y on a terminal: nobody is asked, and the refusal says why', () => {
    const r = run(LOCKED, 'works', onTerminal("printf 'y\\n'", 'apt-get install -y ughello'));
    expect(r.stdout).not.toContain('[y/N]');
    expect(r.stdout).toContain(HEADLINE);
    expect(r.stdout).toContain('No overlay was offered: it runs with -y (assume yes).');
    expect(r.dpkgUnchanged).toBe(true);
  });
});

describe('without a terminal', () => {
  it('no prompt: refused, and the refusal is in the system log', () => {
    const r = run(LOCKED, 'works', 'apt-get install ughello </dev/null');
    expect(r.stderr).not.toContain('[y/N]');
    expect(r.stderr).toContain(HEADLINE);
    expect(r.stderr).toContain('No overlay was offered: there is no terminal to ask on.');
    expect(r.dpkgUnchanged).toBe(true);
    expect(r.log).toMatch(/<\d+>.*usr-guard.*refused: read-only \/usr \(apt-json hook by 'apt-get install ughello'\)/);
  });

  it('mode = overlay: the overlay is made and apt goes on', () => {
    const r = run(LOCKED, 'works', 'apt-get install -y ughello && ughello', 'overlay');
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('ughello 1.0');
    expect(r.stderr).toMatch(/usr-guard: warning: \/usr is a transient overlay/);
  });

  it('mode = overlay on a read-only overlay: remounted read-write', () => {
    const r = run(
      { usr: 'image+overlay-ro', ostreeBooted: true, unlocked: 'transient' },
      'fails',
      'apt-get install -y ughello && ughello',
      'overlay',
    );
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('ughello 1.0');
  });

  it.each([
    [
      'bootc fails',
      'fails',
      'This command must be executed as the root user',
      "'/tmp/ugbin/bootc usr-overlay' failed (exit code 1)",
    ],
    ['bootc hangs', 'hangs', '', "'/tmp/ugbin/bootc usr-overlay' failed (timed out after 3 s)"],
  ] as const)('%s: its error is shown and apt is refused', (_what, bootc, toolSays, ours) => {
    const r = run(LOCKED, bootc, 'apt-get install -y ughello', 'overlay');
    expect(r.stderr).toContain(toolSays);
    expect(r.stderr).toContain(HEADLINE);
    expect(r.stderr).toContain(`usr-guard tried: ${ours}`);
    expect(r.dpkgUnchanged).toBe(true);
  });

  it('"already unlocked" is not a failure when /usr is writable afterwards', () => {
    const r = run(LOCKED, 'already', 'apt-get install -y ughello', 'overlay');
    expect(r.rc).toBe(0);
  });

  it('mode = off is a bypass, and says so in the trail', () => {
    const r = run(LOCKED, 'works', 'apt-get install -y ughello', 'off');
    expect(r.rc).not.toBe(0); // dpkg meets the read-only /usr itself
    expect(r.log).toMatch(/usr-guard.*bypass: mode = off on a read-only \/usr \(image-locked\)/);
  });
});

describe('usr-guard overlay', () => {
  it('makes the overlay and checks it; a second run finds it there', () => {
    const r = run(
      LOCKED,
      'works',
      'usr-guard overlay && touch /usr/x && usr-guard overlay && usr-guard status --json | grep \'"state"\'',
    );
    expect(r.rc).toBe(0);
    expect(r.stderr).toContain('/usr now has a writable transient overlay (image-overlay)');
    expect(r.stderr).toContain('/usr already has a writable transient overlay');
    expect(r.stdout).toContain('"state": "image-overlay"');
  });

  it('--read-only leaves a read-only overlay', () => {
    const r = run(LOCKED, 'works', 'usr-guard overlay --read-only && usr-guard status --json | grep \'"state"\'');
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('"state": "image-overlay-readonly"');
  });

  it('exit 0 only when /usr is as asked: --read-only on a writable overlay remounts it read-only, and back', () => {
    const r = run(
      LOCKED,
      'works',
      `usr-guard overlay && touch /usr/ug-before
usr-guard overlay --read-only; echo "@@ro=$?"; touch /usr/ug-after 2>/dev/null && echo "@@written"; usr-guard status --json | grep '"state"'
usr-guard overlay --read-only; echo "@@again=$?"
usr-guard overlay; echo "@@rw=$?"; touch /usr/ug-after && [ -e /usr/ug-before ] && echo "@@both"`,
    );
    expect(r.stdout).toContain('@@ro=0');
    expect(r.stdout).not.toContain('@@written');
    expect(r.stdout).toContain('"state": "image-overlay-readonly"');
    expect(r.stdout).toContain('@@again=0');
    expect(r.stdout).toContain('@@rw=0');
    expect(r.stdout).toContain('@@both');
    expect(r.stderr).toContain('usr-guard: /usr now has a read-only transient overlay (image-overlay-readonly)');
    expect(r.stderr).toContain('usr-guard: /usr already has a read-only transient overlay (image-overlay-readonly).');
    expect(r.stderr).toContain('usr-guard: /usr now has a writable transient overlay (image-overlay)');
    // mount by its path, never one first on the caller's PATH (issue 21).
    expect(r.log).toMatch(
      /usr-guard.*remounted the overlay on \/usr read-only with '\/usr\/s?bin\/mount -o remount,ro \/usr' \(image-overlay-readonly\)/,
    );
  });

  it('--read-only that cannot remount (a file open for writing in /usr): exit 10, and /usr stays writable', () => {
    const r = run(
      LOCKED,
      'works',
      `usr-guard overlay && exec 3>/usr/ug-open
usr-guard overlay --read-only; rc=$?; exec 3>&-; usr-guard status --json | grep '"state"'; (exit $rc)`,
    );
    expect(r.rc).toBe(10);
    expect(r.stderr).toMatch(/usr-guard: overlay: '\/usr\/s?bin\/mount -o remount,ro \/usr' failed \(exit code 32\)\./);
    expect(r.stdout).toContain('"state": "image-overlay"');
  });

  it('says what went wrong, with exit 10', () => {
    const r = run(LOCKED, 'fails', 'usr-guard overlay');
    expect(r.rc).toBe(10);
    expect(r.stderr).toContain("usr-guard: overlay: '/tmp/ugbin/bootc usr-overlay' failed (exit code 1)");
  });
});
