/**
 * Where a handler finds its ports. Each port's module (functions/ports/dynamo/*, mailer.ts,
 * callbacks.ts, keyring.ts) declares its getter with `provide(name, make)`; a handler imports the
 * getters it uses, so its bundle carries only those implementations and their AWS clients — there
 * is no composition root importing every client. A port is made on first use and kept for the
 * container (a warm Lambda, or the local runtime's process).
 *
 * Tests, the CLI and the local runtime replace a port through its getter (`replacePort(mailer,
 * fake)`): every handler's getter then answers the replacement. `resetPorts` forgets what was
 * made and replaced (after the environment changed).
 */

/** A port's getter: the replacement when one is set, else the port made on first use. */
export interface PortGetter<T> {
  (): T;
  /** The name the port is kept under. */
  readonly port: string;
}

// Kept on globalThis, by name, so every copy of a port's module in one process (the local runtime
// imports handler files by URL; a test runner may load a module twice) shares one container.
const KEY = Symbol.for('thidua.ports');
const holder = globalThis as { [KEY]?: { made: Map<string, unknown>; replaced: Map<string, unknown> } };
holder[KEY] ??= { made: new Map(), replaced: new Map() };
const state = holder[KEY];

export function provide<T>(name: string, make: () => T): PortGetter<T> {
  const get = (): T => {
    // What is kept under the name was made or replaced through this getter's own type.
    if (state.replaced.has(name)) return state.replaced.get(name) as T;
    if (!state.made.has(name)) state.made.set(name, make());
    return state.made.get(name) as T;
  };
  return Object.assign(get, { port: name });
}

/** Replaces a port (tests, the CLI, the local runtime); `undefined` removes the replacement. */
export function replacePort<T>(getter: PortGetter<T>, replacement: T | undefined): void {
  if (replacement === undefined) state.replaced.delete(getter.port);
  else state.replaced.set(getter.port, replacement);
}

/** Forgets every port made and every replacement (tests, after changing environment variables). */
export function resetPorts(): void {
  state.made.clear();
  state.replaced.clear();
}
