// A damaged usr-guard in an image build: dpkg's post-invoke (hooks/dpkg-db.cfg)
// runs the program through the hook shim, as a check runs it. A cut-short
// program says in one line that dpkg's database was not moved; no source, no
// stack trace, and every dpkg run of the build still succeeds.
import { rmSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptUseRepo, buildRepo } from '../helpers/debs.js';
import { buildInContainer } from '../helpers/image-builds.js';
import { DIST } from '../helpers/sandbox.js';

let repo: string;
const dirs: string[] = [];
beforeAll(() => {
  repo = buildRepo(['ughello']);
});
afterAll(() => {
  for (const d of [repo, ...dirs]) rmSync(d, { recursive: true, force: true });
});

const size = statSync(DIST).size;
const NOT_MOVED =
  "usr-guard: /usr/bin/usr-guard is damaged or incomplete; reinstall usr-guard. Meanwhile dpkg's database stays in /var (not moved into the image).";

describe("a bootc image build with dpkg's database still in /var", () => {
  // usr-guard with its database kept in /var (the record), then the record gone: the next dpkg run would move it.
  const build = (damage: string) => {
    const b = buildInContainer(
      `${aptUseRepo(repo)}
node ${DIST} install --dpkg-db=var >/dev/null && rm /usr/lib/usr-guard/dpkg-db.json
${damage}
apt-get install -y ughello >/tmp/apt.out 2>&1; echo "@@apt=$?"
tr -d '\\r' </tmp/apt.out | grep -v -e '^Reading' -e '^Building' -e '^Get:' -e '^Fetched' | sed 's/^/@@said /'
echo "@@link=$(readlink /var/lib/dpkg)"`,
      { bootc: true },
    );
    dirs.push(b.dir);
    return b;
  };

  it('a whole program moves it, saying so', () => {
    const b = build('');
    expect(b.stdout).toContain('@@apt=0');
    expect(b.stdout).toContain('@@said usr-guard: moved /var/lib/dpkg to /usr/lib/sysimage/dpkg');
    expect(b.stdout).toContain('@@link=../../usr/lib/sysimage/dpkg');
  });

  it.each([
    ['cut in the middle', Math.floor(size / 2)],
    ['cut just before its end', size - 10],
  ])('a program %s says in one line that the move did not happen, and no trace', (_what, bytes) => {
    const b = build(`head -c ${bytes} ${DIST} > /usr/bin/usr-guard`);
    expect(b.stdout).toContain('@@apt=0');
    const said = b.stdout.split('\n').filter((l) => l.startsWith('@@said usr-guard'));
    // One line for each dpkg run of apt's (apt ran dpkg twice here).
    expect(said.length).toBeGreaterThan(0);
    for (const line of said) expect(line).toBe(`@@said ${NOT_MOVED}`);
    expect(b.stdout).not.toMatch(/SyntaxError|\n@@said\s+at |node:internal/);
    expect(b.stdout.length).toBeLessThan(3000);
    expect(b.stdout).toContain('@@link=\n');
  });
});
