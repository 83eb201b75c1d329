/**
 * A Lambda handler that does nothing: bench/cold-start.ts builds it with the functions' own
 * bundling options and times it beside every function, as the floor of a cold start (a fresh
 * Node process, an import, one call).
 */
export const handler = async (): Promise<Record<string, never>> => ({});
