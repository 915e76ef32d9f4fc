// The refusal's advice for apt commands that are not a plain install (issue
// 29): apt-get build-dep keeps as apt-get build-dep, and a reinstall of what
// the image has adds nothing to keep. Real apt, on a locked host, with a
// source package in the repository.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { aptRun, expectAptRefused, LOCKED } from '../helpers/apt-runs.js';
import { buildDeb, buildRepo } from '../helpers/debs.js';
import { removeAll } from '../helpers/fixtures.js';
import { buildImage } from '../helpers/sandbox.js';

let image: string;
let repo: string;
let debs: string;
beforeAll(() => {
  debs = mkdtempSync(join(tmpdir(), 'ug-debs-'));
  // The image and the repository both have ughello 1.0: a reinstall can fetch it.
  image = buildImage([], [buildDeb(debs, 'ughello', '1.0')]);
  repo = buildRepo(['ughello', 'ugnew']);
  // ugsrc, a source package that needs ugnew to build, in the repository's Sources (named in its Release).
  const dsc =
    'Format: 3.0 (native)\nSource: ugsrc\nBinary: ugsrc\nArchitecture: all\nVersion: 1.0\nBuild-Depends: ugnew\n';
  writeFileSync(join(repo, 'ugsrc_1.0.dsc'), dsc);
  const md5 = createHash('md5').update(dsc).digest('hex');
  const sources = `Package: ugsrc\nBinary: ugsrc\nVersion: 1.0\nMaintainer: t <t@example.invalid>\nBuild-Depends: ugnew\nArchitecture: all\nFormat: 3.0 (native)\nDirectory: .\nFiles:\n ${md5} ${dsc.length} ugsrc_1.0.dsc\n`;
  writeFileSync(join(repo, 'Sources'), sources);
  const sha = createHash('sha256').update(sources).digest('hex');
  writeFileSync(
    join(repo, 'Release'),
    `${readFileSync(join(repo, 'Release'), 'utf8')} ${sha} ${sources.length} Sources\n`,
  );
});
afterAll(() => removeAll(image, repo, debs));

const spec = () => ({ ...LOCKED, image, varDir: mkdtempSync(join(debs, 'var-')) });

it('apt-get build-dep: keep it with apt-get build-dep, not an install of the source package', () => {
  const r = aptRun(
    spec(),
    'apt-get build-dep -y ugsrc',
    repo,
    `echo "deb-src [trusted=yes] copy:${repo} ./" >> /etc/apt/sources.list.d/ug-test.list && apt-get -qq update >/dev/null 2>&1`,
  );
  expectAptRefused(r);
  expect(r.stderr).toContain("To keep it: add 'RUN apt-get build-dep -y ugsrc' to the image's Containerfile");
  expect(r.stderr).not.toContain('apt-get install -y ugsrc');
});

it.each([
  ['apt-get install --reinstall', 'apt-get install --reinstall -y ughello'],
  ['apt-get reinstall', 'apt-get reinstall -y ughello'],
])('%s of what the image has: the image already has it', (_what, cmd) => {
  const r = aptRun(spec(), cmd, repo);
  expectAptRefused(r);
  expect(r.stderr).toContain('  The image already has ughello: a reinstall adds nothing to keep in its Containerfile.');
  expect(r.stderr).not.toContain('RUN apt-get install');
});
