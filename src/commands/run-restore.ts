// `usr-guard restore-dpkg-db`: what usr-guard-restore-dpkg-db.service runs
// early in every boot of an image-based host, before systemd-tmpfiles and
// before anything can change dpkg's database. In order: an image that carries
// its own database gets it (the old one kept aside); what a transient overlay
// of an earlier boot changed is put back from the snapshot taken at that
// boot's start; this boot's snapshot is taken (links, ../dpkg-db/snapshot.ts);
// a database left in /var that describes another image is said (the journal,
// and a note in /run that the overlay warning repeats). What went wrong is
// also in /run/usr-guard/dpkg-snapshot-note for `usr-guard status`. Exit 0
// when done or when there is nothing to do, 1 when something stopped it.

import { rmSync } from 'node:fs';
import { trail } from '../offer/trail.js';
import { loadConfig } from '../config/index.js';
import { migrateIntoImage } from '../dpkg-db/migrate.js';
import { SNAPSHOT_NOTE, STALE_NOTE } from '../dpkg-db/paths.js';
import { snapshotFacts, staleFact } from '../dpkg-db/report.js';
import { checkSnapshot, restoreSnapshot } from '../dpkg-db/restore.js';
import { takeBootSnapshot } from '../dpkg-db/snapshot.js';
import { runDir, writeRunFile } from '../diff/run-dir.js';
import { EXIT } from '../exit-codes.js';
import type { Out } from '../output.js';
import { probeSystem } from '../probe/index.js';
import { guardLine } from '../messages/check.js';
import { LIVES_IN_IMAGE, notTaken, staleLine } from '../messages/dpkg-snapshot.js';

const WHO = { caller: 'cli', frontend: 'usr-guard restore-dpkg-db', commandLine: 'usr-guard restore-dpkg-db' } as const;

export async function restoreCommand(env: NodeJS.ProcessEnv, isRoot: boolean, out: Out): Promise<number> {
  const { config } = await loadConfig(env, isRoot);
  let failed = false;
  const say = async (message: string, journal: 'notice' | 'warning' | null) => {
    out.err([guardLine(`${message}.`)]);
    if (journal !== null) await trail(message, WHO, journal);
  };
  const migration = migrateIntoImage();
  if (migration !== null) {
    await say(migration.message, migration.done ? 'notice' : 'warning');
    failed ||= migration.failed === true;
  }
  const state = probeSystem({ env, bootcPath: config.paths.bootc });
  const overlay = state.usr?.overlay === 'unlock';
  if (state.dpkgProtection === 'relocated') {
    if (migration === null) await say(LIVES_IN_IMAGE, null);
    return failed ? EXIT.INTERNAL : EXIT.OK;
  }
  // What the last boot's overlay held, from the database it left, before the snapshot goes back (diff --last-boot).
  if (!overlay) for (const kept of (await import('../diff/last-boot-finish.js')).keepLastBoot()) await say(kept, null);
  const r = restoreSnapshot(!overlay);
  const problems: string[] = [];
  await say(r.message, r.done ? (r.warn ? 'warning' : 'notice') : 'failed' in r && r.failed ? 'warning' : null);
  if (!r.done && r.failed) problems.push(r.message);
  failed ||= !r.done && r.failed === true;
  // A snapshot that could not be put back now stays, for the next boot: it still describes the image's packages.
  if (r.done || !r.keep) {
    const t = takeNow(r.done || !r.failed);
    if (t !== null) {
      await say(t, 'warning');
      problems.push(t);
      failed = true;
    }
  }
  runDir();
  if (problems.length > 0) writeRunFile(SNAPSHOT_NOTE, `${problems.join(' ')}\n`);
  else rmSync(SNAPSHOT_NOTE, { force: true });
  // Stale only when no overlay holds changes of its own (a hotfix keeps them across boots).
  const { stale } = overlay ? { stale: null } : staleFact(snapshotFacts());
  if (stale !== null) {
    await say(staleLine(stale), 'warning');
    runDir();
    writeRunFile(STALE_NOTE, `${stale}\n`);
  } else rmSync(STALE_NOTE, { force: true });
  return failed ? EXIT.INTERNAL : EXIT.OK;
}

/** This boot's snapshot, before anything changes dpkg's database; null when taken, else what the boot will lack. */
function takeNow(oldStillTrue: boolean): string | null {
  let why: string;
  try {
    const t = takeBootSnapshot();
    if (!('message' in t)) return null;
    why = t.message;
  } catch (e) {
    why = (e as Error).message;
  }
  const old = checkSnapshot();
  // One of an earlier boot, put back or found unchanged just now: its packages are this boot's at its start.
  return notTaken(why, oldStillTrue && !('error' in old) && old.by === 'boot' ? old.bootId : null);
}
