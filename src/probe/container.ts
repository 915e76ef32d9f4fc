// Is this a container (or an image build)? The signs are read where
// systemd-detect-virt reads them: what the container manager left in /run
// and at /, and the `container=` it gave PID 1. The caller's own `container=`
// (a variable in root's shell) counts only where PID 1's environment cannot be
// read and no booted deployment says otherwise: a booted image host's
// evidence wins over the caller's environment.

import { existsSync } from 'node:fs';
import type { ContainerFacts } from '../types.js';
import { pid1Container } from './pid1.js';

const FILES = ['/run/host/container-manager', '/run/systemd/container', '/run/.containerenv', '/.dockerenv'];

/** `booted`: the host shows a booted deployment (an ostree marker or a composefs root). */
export function containerFacts(env: NodeJS.ProcessEnv, booted: boolean): ContainerFacts {
  const signs: string[] = [];
  const pid1 = pid1Container();
  if (pid1) signs.push(`PID 1's container=${pid1}`);
  // BuildKit leaves no file, only ENV container=oci, which PID 1 of a RUN step has too;
  // a caller that cannot read PID 1's environment (another user) takes its own.
  else if (pid1 === null && !booted && env.container) signs.push(`env container=${env.container}`);
  for (const p of FILES) if (existsSync(p)) signs.push(p);
  return { detected: signs.length > 0, signs };
}
