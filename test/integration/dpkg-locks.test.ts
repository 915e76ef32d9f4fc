// apt's and dpkg's locks with dpkg's database in the image (/usr/lib/sysimage/dpkg):
// the boot unit's command binds writable files of /run over the image's lock
// files, and the offer binds them again over the overlay it makes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptUseRepo, buildRepo } from '../helpers/debs.js';
import { removeAll } from '../helpers/fixtures.js';
import { buildImage, DIST, runInSandbox } from '../helpers/sandbox.js';

let image: string;
let repo: string;
const vars: string[] = [];
beforeAll(() => {
  // dpkg marked as installed by hand, as on a fresh Debian: so 'apt-get install dpkg' changes nothing, not even a mark
  // (a mark is apt's to write, in the image: usr-guard(8), apt-image-based(7)).
  const manual = 'apt-mark -o Dir::State::extended_states="$R/var/lib/apt/extended_states" manual dpkg >/dev/null';
  image = buildImage(['--relocate-dpkg-db'], [], '', manual);
  repo = buildRepo(['ughello', 'ugsecond']);
});
afterAll(() => removeAll(image, repo, ...vars));

/** A locked host booted from the image (its /var seeded from the image's: /var/lib/dpkg links into /usr). */
function locked(script: string) {
  const varDir = mkdtempSync(join(tmpdir(), 'ug-var-'));
  vars.push(varDir);
  return runInSandbox({ usr: 'image', ostreeBooted: true, image, varDir, script });
}
/** apt's own lines (W: and E:), marked by `tag`. */
const aptLines = (tag: string) => `2>&1 | grep -e '^W:' -e '^E:' | sed 's/^/@@${tag} /'`;

describe('the relocation (install --dpkg-db=image, dpkg-db move)', () => {
  it('leaves regular, empty lock files in the image, even where no dpkg ran, and the boot unit that binds them', () => {
    const r = runInSandbox({
      usr: 'writable',
      script: `mkdir -p /tmp/x/var/lib/dpkg/info /tmp/x/usr/lib/sysimage && echo 'Package: a' > /tmp/x/var/lib/dpkg/status
node ${DIST} install --without program --dpkg-db=image --root /tmp/x >/dev/null
stat -c '@@%n %F %a %s' /tmp/x/usr/lib/sysimage/dpkg/lock /tmp/x/usr/lib/sysimage/dpkg/lock-frontend
readlink /tmp/x/usr/lib/systemd/system/sysinit.target.wants/usr-guard-dpkg-locks.service | sed 's/^/@@wants /'`,
    });
    expect(r.stdout).toContain('@@/tmp/x/usr/lib/sysimage/dpkg/lock regular empty file 640 0');
    expect(r.stdout).toContain('@@/tmp/x/usr/lib/sysimage/dpkg/lock-frontend regular empty file 640 0');
    expect(r.stdout).toContain('@@wants ../usr-guard-dpkg-locks.service');
  });
});

describe('apt on a locked host with the database in the image', () => {
  it('warns of read-only lock files and takes no lock; after the boot unit, a no-op prints no W: or E: line', () => {
    const r = locked(`apt-get install -y dpkg ${aptLines('before')}
usr-guard dpkg-db locks; echo "@@locks=$?"
ls -l /usr/lib/sysimage/dpkg/lock /usr/lib/sysimage/dpkg/lock-frontend | sed 's/^/@@ls /'
apt-get install -y dpkg ${aptLines('after')}
echo "@@apt=$?"
usr-guard dpkg-db locks; echo "@@again=$?"; grep -c sysimage/dpkg/lock /proc/self/mountinfo | sed 's/^/@@mounts /'
# usr-guard's own moves with the files bound: nothing to do, and nothing tried.
usr-guard restore-dpkg-db 2>&1; echo "@@restore=$?"; usr-guard dpkg-db move >/tmp/move.out 2>&1; echo "@@move=$?"; grep -v '^unchanged' /tmp/move.out`);
    expect(r.stdout).toContain('@@before W: Not using locking for read only lock file /var/lib/dpkg/lock-frontend');
    expect(r.stdout).toContain('@@locks=0');
    expect(r.stdout).not.toMatch(/@@after/);
    // A second run (the unit restarted) binds nothing twice.
    expect(r.stdout).toContain('@@again=0');
    expect(r.stdout).toContain('@@mounts 2');
    expect(r.stdout).toContain("dpkg's database lives in the image: nothing to restore");
    expect(r.stdout).toContain('@@restore=0');
    expect(r.stdout).toContain('@@move=0');
    expect(r.stdout).not.toMatch(/EBUSY|error/i);
  });

  it('after an overlay made by hand, dpkg-db locks binds the files again', () => {
    const same = `[ "$(stat -L -c %d:%i /var/lib/dpkg/lock-frontend)" = "$(stat -c %d:%i /run/usr-guard/locks/lock-frontend)" ] && echo`;
    const r = locked(`usr-guard dpkg-db locks 2>/dev/null
mkdir -p /run/ov/u /run/ov/w && mount -t overlay overlay -o lowerdir=/usr,upperdir=/run/ov/u,workdir=/run/ov/w /usr
${same} "@@bound-under-the-overlay"
usr-guard dpkg-db locks 2>&1; echo "@@locks=$?"
${same} "@@bound-again"`);
    expect(r.stdout).not.toContain('@@bound-under-the-overlay');
    expect(r.stdout).toContain(
      'usr-guard: bound /run/usr-guard/locks/lock-frontend over /usr/lib/sysimage/dpkg/lock-frontend',
    );
    expect(r.stdout).toContain('@@locks=0');
    expect(r.stdout).toContain('@@bound-again');
  });

  it('a lock held on the /run file keeps apt out', () => {
    const r = locked(`usr-guard dpkg-db locks
python3 -c 'import fcntl,os,time; f=os.open("/run/usr-guard/locks/lock-frontend",os.O_RDWR); fcntl.lockf(f,fcntl.LOCK_EX); open("/tmp/held","w").close(); time.sleep(30)' &
while [ ! -e /tmp/held ]; do sleep 0.1; done
apt-get install -y dpkg ${aptLines('held')}`);
    expect(r.stdout).toMatch(
      /@@held E: Could not get lock \/var\/lib\/dpkg\/lock-frontend\. It is held by process \d+ \(python3\)/,
    );
  });
});

/** The offer's setup: bootc's stand-in makes the real overlay mount (offer.test.ts), then runs `after`; mode = overlay: no question. */
const offerSetup = (after = '', overlayTimeout = 10) => `${aptUseRepo(repo)}
mkdir -p /tmp/ugbin && cat > /tmp/ugbin/bootc <<'UGEOF'
#!/bin/sh
mkdir -p /run/ug-ov/up /run/ug-ov/wk
mount -t overlay overlay -o lowerdir=/usr,upperdir=/run/ug-ov/up,workdir=/run/ug-ov/wk /usr || exit 1
mkdir -p /run/ostree/deployment-state/0a1b2c.0 && touch /run/ostree/deployment-state/0a1b2c.0/unlocked-development
${after}
UGEOF
chmod +x /tmp/ugbin/bootc
printf '[guard]\\nmode = overlay\\noverlay_timeout = ${overlayTimeout}\\n\\n[paths]\\nbootc = /tmp/ugbin/bootc\\n' > /etc/usr-guard/usr-guard.conf
usr-guard dpkg-db locks 2>/dev/null`;

describe('an overlay made by the offer keeps the run its locks', () => {
  it('a second dpkg -i, started during the run, stops on the lock, and installs nothing', () => {
    const r = locked(`${offerSetup()}
# Another dpkg while apt runs (the hook's own environment says the front end is locked: not so for another dpkg).
cat > /tmp/second <<'UGEOF'
#!/bin/sh
env -u DPKG_FRONTEND_LOCKED dpkg -i ${repo}/ugsecond_1.0_all.deb >/tmp/second.out 2>&1; echo "rc=$?" >>/tmp/second.out
UGEOF
chmod +x /tmp/second
apt-get install -y -o DPkg::Pre-Install-Pkgs::=/tmp/second ughello >/dev/null 2>&1; echo "@@apt=$?"
sed 's/^/@@second /' /tmp/second.out
dpkg -s ughello >/dev/null 2>&1 && echo "@@ughello-installed"
dpkg -s ugsecond >/dev/null 2>&1 && echo "@@ugsecond-installed"`);
    expect(r.stdout).toContain('@@apt=0');
    expect(r.stdout).toContain('@@ughello-installed');
    expect(r.stdout).toMatch(/@@second dpkg: error: dpkg frontend lock was locked by another process with pid \d+/);
    expect(r.stdout).toContain('@@second rc=2');
    expect(r.stdout).not.toContain('@@ugsecond-installed');
  });

  // A process that locks the overlay's own lock file before usr-guard binds the /run one over it.
  const holder = (
    seconds: number,
  ) => `python3 -c 'import fcntl,os,time; f=os.open("/usr/lib/sysimage/dpkg/lock",os.O_RDWR); fcntl.lockf(f,fcntl.LOCK_EX); open("/tmp/held","w").close(); time.sleep(${seconds})' </dev/null >/dev/null 2>&1 &
while [ ! -e /tmp/held ]; do sleep 0.1; done`;

  it("one that locked the overlay's own file in between is waited for", () => {
    const r = locked(`${offerSetup(holder(2))}
apt-get install -y ughello 2>&1 | grep -e '^usr-guard: warning: process' -e '^E:' | sed 's/^/@@said /'
dpkg -s ughello >/dev/null 2>&1 && echo "@@ughello-installed"`);
    expect(r.stdout).not.toContain('@@said');
    expect(r.stdout).toContain('@@ughello-installed');
  });

  it('and one that keeps it longer than overlay_timeout is named', () => {
    const r = locked(`${offerSetup(holder(60), 2)}
apt-get install -y ughello 2>&1 | grep '^usr-guard: warning: process' | sed 's/^/@@said /'`);
    expect(r.stdout).toMatch(
      /@@said usr-guard: warning: process \d+ locked the overlay's own \/usr\/lib\/sysimage\/dpkg\/lock before usr-guard bound it: it is not kept out/,
    );
  });
});
