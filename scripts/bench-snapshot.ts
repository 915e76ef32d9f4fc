// For npm run bench, inside a sandbox: take dpkg's snapshot N times as the
// hooks take it (src/dpkg-db/snapshot.ts), removing it between, and print the
// times and the size of the database as JSON.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { takeSnapshot } from '../src/dpkg-db/snapshot.js';
import { DB, SNAPSHOT } from '../src/dpkg-db/paths.js';

const n = Number(process.argv[2] ?? '5');
const ms: number[] = [];
for (let i = 0; i < n; i++) {
  rmSync(SNAPSHOT, { recursive: true, force: true });
  execFileSync('sync');
  const t = performance.now();
  takeSnapshot();
  ms.push(performance.now() - t);
}
const kib = Number(execFileSync('du', ['-sk', DB], { encoding: 'utf8' }).split('\t')[0]);
process.stdout.write(JSON.stringify({ ms, mib: kib / 1024 }));
