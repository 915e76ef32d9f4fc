// A stop at a named step, for the tests of what a kill or a power cut leaves
// (docs/testing.md): USR_GUARD_TEST_STOP_AT=<step> makes usr-guard kill
// itself there with SIGKILL, as `kill -9` would, with nothing cleaned up.
// Nothing else reads it; a user who sets it only stops their own run.

export function step(name: string): void {
  if (process.env.USR_GUARD_TEST_STOP_AT === name) process.kill(process.pid, 'SIGKILL');
}
