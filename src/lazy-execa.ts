// execa, loaded only when a child process is really run (bootc status, the
// overlay command). The build keeps execa as a compressed chunk that is
// compiled on first import (scripts/build.mjs says why), so the hooks' usual
// path never pays to parse it.
export async function loadExeca(): Promise<typeof import('execa')> {
  return import('execa');
}
