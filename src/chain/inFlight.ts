/**
 * At most `limit` requests to the node at once: a bootstrap of tens of thousands of pools queues its calls here
 * instead of opening them all together (which a provider answers with 429s and a local node with a stall).
 */
export type Limiter = <T>(work: () => Promise<T>) => Promise<T>;

export function limitInFlight(limit: number): Limiter & { readonly active: () => number; readonly peak: () => number } {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limitInFlight: limit must be a positive integer, got ${limit}`);
  let active = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    if (active > peak) peak = active;
    try {
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
  return Object.assign(run, { active: () => active, peak: () => peak });
}
