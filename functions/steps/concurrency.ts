/**
 * Bounded concurrency for the steps that touch every unit of a district (up to 1,000): a few calls
 * in flight at once keep a step well inside its Lambda timeout without flooding DynamoDB or SES.
 */

/** `fn` over `items`, at most `limit` at a time; results in the order of `items`. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  // One iterator shared by the workers: each takes the next item when it is free.
  const pending = items.entries();
  const worker = async () => {
    for (const [index, item] of pending) results[index] = await fn(item, index);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
