// Run scripts/bench.ts: bundle it (with the test helpers it shares) and start it.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';

await build({ entryPoints: ['scripts/bench.ts'], outfile: 'dist/bench.cjs', bundle: true, platform: 'node', format: 'cjs', target: 'node18', logLevel: 'warning' });
execFileSync(process.execPath, ['dist/bench.cjs'], { stdio: 'inherit' });
