// npm run bench: bundle scripts/bench.ts (with the test helpers it shares) and
// what it runs inside the sandboxes, then start it. The plain bundle is the
// program without its comment sections, to weigh what they buy (row 5).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node18', logLevel: 'warning' };
await build({ ...common, entryPoints: ['scripts/bench.ts'], outfile: 'dist/bench.cjs' });
await build({ ...common, entryPoints: ['scripts/bench-snapshot.ts'], outfile: 'dist/bench-snapshot.cjs' });
const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.slice(0, -4)),
      namespace: 'raw',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({
      contents: readFileSync(args.path, 'utf8'),
      loader: 'text',
      resolveDir: dirname(args.path),
    }));
  },
};
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/usr-guard-plain',
  minify: true,
  legalComments: 'none',
  plugins: [rawText],
  banner: { js: '#!/usr/bin/env node' },
});
appendFileSync('dist/usr-guard-plain', '// usr-guard: end of program\n');
// Its temporary folders in one private folder, as the tests have theirs (test/helpers/global-tmp.ts):
// the sandboxes hide the rest of this machine's /tmp.
const tmp = mkdtempSync(join(tmpdir(), 'usr-guard-bench-'));
try {
  execFileSync(process.execPath, ['dist/bench.cjs'], { stdio: 'inherit', env: { ...process.env, TMPDIR: tmp } });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
