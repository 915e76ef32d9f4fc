// dpkg --add-architecture and --remove-architecture change only dpkg's
// database: in /var, nothing of the image; in the image
// (/usr/lib/sysimage/dpkg), the image itself, which a locked host refuses with
// usr-guard's words (not dpkg's "Read-only file system") and an overlay keeps
// only until the next boot.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeAll } from '../helpers/fixtures.js';
import { buildImage, runInSandbox } from '../helpers/sandbox.js';

let inImage: string;
let inVar: string;
const vars: string[] = [];
beforeAll(() => {
  inImage = buildImage(['--relocate-dpkg-db']);
  inVar = buildImage();
});
afterAll(() => removeAll(inImage, inVar, ...vars));

const HEADLINE = 'error: read-only /usr detected, refusing to operate. See `man apt-image-based` for more information.';
function host(image: string, usr: 'image' | 'image+overlay', script: string) {
  const varDir = mkdtempSync(join(tmpdir(), 'ug-var-'));
  vars.push(varDir);
  const overlay = usr === 'image+overlay' ? ({ unlocked: 'development' } as const) : {};
  return runInSandbox({ usr, ostreeBooted: true, image, varDir, ...overlay, script });
}
const addI386 = `before=$(dpkg --print-foreign-architectures | sha256sum)
dpkg --add-architecture i386; echo "@@rc=$?"
[ "$before" = "$(dpkg --print-foreign-architectures | sha256sum)" ] && echo "@@unchanged" || echo "@@changed"`;

describe('dpkg --add-architecture i386', () => {
  it("with the database in the image, a locked host refuses it in usr-guard's words, the database unchanged", () => {
    const r = host(inImage, 'image', addI386);
    expect(r.stderr).toContain(HEADLINE);
    expect(r.stderr).not.toContain('Read-only file system');
    expect(r.stdout).toContain('@@unchanged');
    expect(r.stdout).not.toContain('@@rc=0');
  });

  it('with the database in the image, an overlay takes it, saying that it goes at reboot', () => {
    const r = host(inImage, 'image+overlay', addI386);
    expect(r.stdout).toContain('@@rc=0');
    expect(r.stdout).toContain('@@changed');
    expect(r.stderr).toContain('/usr is a transient overlay: changes there are discarded at reboot.');
  });

  it('with the database in /var, a locked host lets it be (nothing of /usr changes)', () => {
    const r = host(inVar, 'image', addI386);
    expect(r.stdout).toContain('@@rc=0');
    expect(r.stdout).toContain('@@changed');
    expect(r.stderr).not.toContain('usr-guard');
    expect(r.stderr).not.toContain(HEADLINE);
  });
});
