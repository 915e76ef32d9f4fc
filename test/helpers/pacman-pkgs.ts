// Tiny pacman packages and a local pacman repository, built with the real
// tools. makepkg refuses to run as root, so a package is made as makepkg
// makes one: .PKGINFO, .MTREE (bsdtar's mtree of the tree) and usr/, packed
// with bsdtar and zstd.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The first tool these helpers and the pacman tests need that is not here, or null. */
export function missingPacmanTool(): string | null {
  for (const tool of ['pacman', 'bsdtar', 'zstd', 'repo-add']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return tool;
  }
  return null;
}

/** Build NAME-VERSION-any.pkg.tar.zst holding /usr/bin/NAME (and /usr/share/NAME/data of `dataBytes` random bytes); returns its path. */
export function buildPkg(outDir: string, name: string, version = '1-1', dataBytes = 0): string {
  const root = mkdtempSync(join(tmpdir(), `ug-pkg-${name}-`));
  try {
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    const body = `#!/bin/sh\necho ${name} ${version}\n`;
    writeFileSync(join(root, 'usr/bin', name), body);
    chmodSync(join(root, 'usr/bin', name), 0o755);
    if (dataBytes > 0) {
      mkdirSync(join(root, 'usr/share', name), { recursive: true });
      writeFileSync(join(root, 'usr/share', name, 'data'), randomBytes(dataBytes));
    }
    const info = [
      `pkgname = ${name}`,
      `pkgbase = ${name}`,
      `pkgver = ${version}`,
      'pkgdesc = a test package',
      'url = https://example.invalid',
      'builddate = 1700000000',
      'packager = tests <tests@example.invalid>',
      `size = ${body.length + dataBytes}`,
      'arch = any',
      'license = MIT',
    ];
    writeFileSync(join(root, '.PKGINFO'), `${info.join('\n')}\n`);
    // makepkg's own mtree options (makepkg's create_package), with times and owners fixed.
    const opts = { cwd: root, env: { ...process.env, LANG: 'C' }, maxBuffer: 64 * 1024 * 1024 };
    execFileSync(
      'bsdtar',
      [
        '-czf',
        '.MTREE',
        '--format=mtree',
        '--uid',
        '0',
        '--gid',
        '0',
        '--options=!all,use-set,type,uid,gid,mode,time,size,md5,sha256,link',
        '.PKGINFO',
        'usr',
      ],
      { ...opts, stdio: 'pipe' },
    );
    const pkg = join(outDir, `${name}-${version}-any.pkg.tar.zst`);
    const tar = execFileSync('bsdtar', ['-cf', '-', '--uid', '0', '--gid', '0', '.MTREE', '.PKGINFO', 'usr'], {
      ...opts,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    writeFileSync(pkg, execFileSync('zstd', ['-q', '-c'], { input: tar, maxBuffer: 64 * 1024 * 1024 }));
    return pkg;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A repository named ugtest (for `Server = file://DIR`) holding the given packages ("name" or "name=version"), made with repo-add. */
export function buildPacmanRepo(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ug-pacrepo-'));
  const pkgs = names.map((n) => {
    const [name, version] = n.split('=');
    return buildPkg(dir, name!, version);
  });
  execFileSync('repo-add', ['-q', join(dir, 'ugtest.db.tar.gz'), ...pkgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  return dir;
}

/**
 * Shell that points pacman at the local repository only (no signatures to
 * check: the packages are unsigned), and refreshes its databases.
 */
export function pacmanUseRepo(repo: string): string {
  return [
    `printf '\\n[ugtest]\\nSigLevel = Never\\nServer = file://${repo}\\n' >> /etc/pacman.conf`,
    'pacman -Sy >/dev/null 2>&1 || echo "pacman -Sy failed" >&2',
  ].join('\n');
}

/**
 * Install packages into an image layer (a buildImage folder) as an image
 * build would: files into its usr/, pacman's database into its var/lib/pacman.
 * The image's own usr-guard hook is masked for that (a /dev/null link in
 * --hookdir): libalpm would run it chrooted into the layer, which has no shell.
 */
export function pacmanInstallInto(image: string, pkgs: string[]): void {
  const work = mkdtempSync(join(tmpdir(), 'ug-pacinst-'));
  try {
    mkdirSync(join(work, 'hooks'));
    execFileSync('ln', ['-s', '/dev/null', join(work, 'hooks/00-usr-guard.hook')]);
    mkdirSync(join(image, 'var/lib/pacman'), { recursive: true });
    const args = [
      '-r',
      image,
      '--dbpath',
      join(image, 'var/lib/pacman'),
      '--cachedir',
      join(work, 'cache'),
      '--logfile',
      join(work, 'log'),
      '--hookdir',
      join(work, 'hooks'),
      '--noconfirm',
      '-U',
      ...pkgs,
    ];
    execFileSync('pacman', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Many packages at once, for transactions with many targets: uncompressed
 * .pkg.tar files (libalpm reads any archive libarchive reads) written by one
 * python3, since three programs per package would take a minute for hundreds.
 * Their names are long (`prefix` padded to 200 characters). Returns the files.
 */
export function buildManyPkgs(outDir: string, count: number, prefix = 'ugmany'): string[] {
  const script = `
import gzip, hashlib, io, sys, tarfile
out, count, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def entry(tar, name, data, mode=0o644):
    info = tarfile.TarInfo(name); info.size = len(data); info.mode = mode; info.mtime = 1700000000
    tar.addfile(info, io.BytesIO(data))
for i in range(count):
    name = (prefix + str(i) + '-').ljust(200, 'x')
    body = ('#!/bin/sh\\necho %s\\n' % name).encode()
    info = ('pkgname = %s\\npkgver = 1-1\\narch = any\\nsize = %d\\n' % (name, len(body))).encode()
    mtree = ('#mtree\\n/set type=file uid=0 gid=0 mode=644\\n./.PKGINFO time=1700000000.0 size=%d md5digest=%s sha256digest=%s\\n./usr time=1700000000.0 mode=755 type=dir\\n./usr/share time=1700000000.0 mode=755 type=dir\\n./usr/share/%s time=1700000000.0 size=%d md5digest=%s sha256digest=%s\\n' % (len(info), hashlib.md5(info).hexdigest(), hashlib.sha256(info).hexdigest(), name, len(body), hashlib.md5(body).hexdigest(), hashlib.sha256(body).hexdigest())).encode()
    with tarfile.open('%s/%s-1-1-any.pkg.tar' % (out, name), 'w', format=tarfile.GNU_FORMAT) as tar:
        entry(tar, '.MTREE', gzip.compress(mtree, mtime=0))
        entry(tar, '.PKGINFO', info)
        for d in ('usr', 'usr/share'):
            t = tarfile.TarInfo(d); t.type = tarfile.DIRTYPE; t.mode = 0o755; t.mtime = 1700000000; tar.addfile(t)
        entry(tar, 'usr/share/' + name, body)
    print('%s/%s-1-1-any.pkg.tar' % (out, name))
`;
  return execFileSync('python3', ['-c', script, outDir, String(count), prefix], { encoding: 'utf8' })
    .trim()
    .split('\n');
}
