// Vitest's setup for every test file: let the worker's event loop turn between
// tests. The integration tests run real commands with spawnSync, which blocks
// it; vitest's calls between the worker and the main process (onTaskUpdate)
// are answered only when it turns, and time out after 60 s of sync tests in a
// row on a busy machine, which fails the run with "unhandled errors".
import { beforeEach } from 'vitest';

beforeEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
