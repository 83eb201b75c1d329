/**
 * Where a handler finds its ports. Each port's module (functions/ports/dynamo/*, mailer.ts,
 * callbacks.ts, keyring.ts) declares a getter with `provide(name, make)`; a handler imports the
 * getters it uses, so its bundle carries only those implementations and their AWS clients — there
 * is no composition root importing every client. The port is made on first use and kept for the
 * container (a warm Lambda, or the local runtime's process).
 *
 * Tests and the local runtime replace a port through the same registry (`replacePorts`): the
 * handler's getter then answers the replacement. `resetPorts` forgets what was made (after the
 * environment changed).
 */
import type { AuditLog } from './audit.ts';
import type { AwardStore } from './awards.ts';
import type { Callbacks } from './callbacks.ts';
import type { CampaignStore } from './campaigns.ts';
import type { Table } from './dynamo/table.ts';
import type { KeyringSource } from './keyring.ts';
import type { Mailer } from './mailer.ts';
import type { Outbox } from './outbox.ts';
import type { ReportStore } from './reports.ts';
import type { ResultsStore } from './results.ts';
import type { ReviewStore } from './reviews.ts';
import type { Sessions } from './sessions.ts';

/** Every port by name. */
export interface Ports {
  table: Table;
  campaigns: CampaignStore;
  reports: ReportStore;
  reviews: ReviewStore;
  outbox: Outbox;
  results: ResultsStore;
  awards: AwardStore;
  audit: AuditLog;
  sessions: Sessions;
  mailer: Mailer;
  callbacks: Callbacks;
  keyring: KeyringSource;
}

// On globalThis, so every copy of this module in one process (the local runtime imports handler
// files by URL; a test runner may load a module twice) shares one container.
const KEY = Symbol.for('thidua.ports');
const holder = globalThis as { [KEY]?: { made: Partial<Ports>; replaced: Partial<Ports> } };
holder[KEY] ??= { made: {}, replaced: {} };
const state = holder[KEY];

/** The getter of a port: the replacement when one is set, else the port made on first use. */
export function provide<K extends keyof Ports>(name: K, make: () => Ports[K]): () => Ports[K] {
  return () => {
    const replaced = state.replaced[name];
    if (replaced !== undefined) return replaced;
    const made = state.made[name] ?? make();
    state.made[name] = made;
    return made;
  };
}

/** Replaces ports (tests, the local runtime); `undefined` removes a replacement. */
export function replacePorts(replacements: { [K in keyof Ports]?: Ports[K] | undefined }): void {
  // Object.entries forgets the key type the parameter already checked.
  for (const [name, port] of Object.entries(replacements) as [keyof Ports, Ports[keyof Ports]][]) {
    if (port === undefined) delete state.replaced[name];
    else Object.assign(state.replaced, { [name]: port });
  }
}

/** Forgets every port made and every replacement (tests, after changing environment variables). */
export function resetPorts(): void {
  state.made = {};
  state.replaced = {};
}
