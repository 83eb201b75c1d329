/**
 * Runs before each file of the `shared` project (vitest.config.mts), whose files share their
 * worker's module graph: what one file changes in the process — environment variables, ports
 * replaced or made from that environment, the product's clock source, fake timers, spies — is put
 * back when it ends, so the next file starts as it would in a fresh process.
 */
import { afterAll, vi } from 'vitest';
import { setClockSource } from '#ports/clock';
import { resetPorts } from '#ports/registry';

const environment = { ...process.env };

afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
  resetPorts();
  setClockSource(undefined);
  vi.useRealTimers();
  vi.restoreAllMocks();
});
