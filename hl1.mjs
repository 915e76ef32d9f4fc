// one shot: node hl1.mjs MODE SRC DST ; prints in-process ms to stderr
import { readdirSync, linkSync, mkdirSync, lstatSync, chmodSync, utimesSync, cpSync, constants } from 'node:fs';
const [mode, src, dst] = process.argv.slice(2);
function linkTree(s, d) { const st = lstatSync(s); mkdirSync(d, { mode: 0o700 });
  for (const e of readdirSync(s, { withFileTypes: true })) { const a = `${s}/${e.name}`, b = `${d}/${e.name}`; if (e.isDirectory()) linkTree(a, b); else linkSync(a, b); }
  chmodSync(d, st.mode & 0o7777); utimesSync(d, st.atime, st.mtime); }
const t0 = process.hrtime.bigint();
if (mode === 'link') linkTree(src, dst); else cpSync(src, dst, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, mode: constants.COPYFILE_FICLONE });
process.stderr.write(`${mode} ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)}ms\n`);
