// Bundle src/cli.ts into one file, dist/usr-guard, that runs on Node >= 18
// with no node_modules beside it. Hook files are embedded as text (?raw).
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.slice(0, -4)), namespace: 'raw' }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text', resolveDir: dirname(args.path) }));
  },
};

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/usr-guard',
  bundle: true,
  platform: 'node',
  // CommonJS output: ini and semver are CommonJS, and a CJS bundle needs no loader tricks.
  format: 'cjs',
  target: 'node18',
  minify: true,
  legalComments: 'none',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [rawText],
  logLevel: 'warning',
});
chmodSync('dist/usr-guard', 0o755);
