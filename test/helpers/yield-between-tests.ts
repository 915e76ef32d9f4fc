// Vitest's setup for every test file: let the worker's event loop turn between
// tests. The integration tests run real commands with spawnSync, which blocks
// it; vitest's calls from the worker to the main process (onTaskUpdate, sent
// as a test ends) are answered only when it turns, and time out if the next
// test keeps it blocked for 60 s (a busy machine), which fails the run with
// "unhandled errors". A few milliseconds let the answer in first.
import { beforeEach } from 'vitest';

beforeEach(() => new Promise<void>((resolve) => setTimeout(resolve, 20)));
