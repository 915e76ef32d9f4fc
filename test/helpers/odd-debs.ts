// .deb packages with more to them than debs.ts's: an architecture, control
// fields (Multi-Arch: same), files of their own, and a postinst.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface DebSpec {
  name: string;
  version?: string;
  /** "all" by default. */
  arch?: string;
  /** Control fields, one a line ("Multi-Arch: same", "Depends: x"). */
  control?: string[];
  /** Files by path under the root ("usr/share/x"): their content. */
  files?: Record<string, string>;
  postinst?: string;
}

/** Build NAME_VERSION_ARCH.deb in `outDir`; returns its path. */
export function buildDebFrom(outDir: string, spec: DebSpec): string {
  const { name, version = '1.0', arch = 'all' } = spec;
  const root = mkdtempSync(join(tmpdir(), `ug-deb-${name}-`));
  mkdirSync(join(root, 'DEBIAN'));
  writeFileSync(
    join(root, 'DEBIAN/control'),
    [
      `Package: ${name}`,
      `Version: ${version}`,
      `Architecture: ${arch}`,
      'Maintainer: usr-guard tests <tests@example.invalid>',
      ...(spec.control ?? []),
      'Description: usr-guard test package',
      '',
    ].join('\n'),
  );
  for (const [path, content] of Object.entries(spec.files ?? { [`usr/bin/${name}`]: `#!/bin/sh\necho ${name}\n` })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  if (spec.postinst) {
    writeFileSync(join(root, 'DEBIAN/postinst'), `#!/bin/sh\nset -e\n${spec.postinst}\n`);
    chmodSync(join(root, 'DEBIAN/postinst'), 0o755);
  }
  const deb = join(outDir, `${name}_${version}_${arch}.deb`);
  try {
    execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, deb], { stdio: 'ignore' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return deb;
}

/** Index the .deb files of `dir` as a flat repository (deb [trusted=yes] copy:DIR ./, as debs.ts's aptUseRepo points to). */
export function indexRepo(dir: string): void {
  const packages = execFileSync('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  writeFileSync(join(dir, 'Packages'), packages);
}
