/**
 * fn over items with at most limit calls in flight, for walks of requests that change nothing, so
 * their order does not matter. The results come back in the order of items. The first throw stops
 * the walk: no further item starts, the calls already in flight finish, then it is rethrown.
 */
export async function mapInFlight<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  if (failure) throw failure.error;
  return results;
}
