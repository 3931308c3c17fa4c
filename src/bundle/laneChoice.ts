/**
 * Which operator (nonce chain) a bundle goes out from. A bundle whose nonce follows a live one of ours can only run
 * if that one lands first: when the earlier one misses (outbid, reverted), the later one fails with "nonce is ahead
 * of its sender's" although nothing was wrong with it. So a bundle never gets a lane with something live on it,
 * except where there is no other choice:
 * - one operator only (no extra ones configured): its chain, as before (the nonce verdict of a miss stays true);
 * - a bundle that trades the pools of an earlier one of ours while every operator is busy: after that one's nonce
 *   (it can then only run after it, the state it was simulated on).
 * A dependent bundle that also runs without its predecessors (simulated alone: a builder simulates each bundle at
 * the top of its block, and refuses one that reverts there) goes out from a free operator, detached: the caller
 * holds it (and its predecessors) to the executor's floor, so each lands on whatever state it meets, in whichever
 * order the builder picks. One that needs them rides the last one's lane: it could not land without it anyway.
 */
export type LaneChoice =
  | { kind: 'free'; lane: number }
  | { kind: 'detached'; lane: number; from: number }
  | { kind: 'chained'; lane: number; from?: number }
  | { kind: 'none'; reason: string };

export type ChooseLaneParameters = {
  /** Live bundles per operator, index 0 the main one. */
  live: readonly number[];
  /** The lane of the last earlier bundle of the block this one trades pools with. */
  dependsOn?: number | undefined;
  /** Where the search for a free operator starts (rotation: the one after the last chosen). */
  cursor: number;
  /** The dependent bundle also runs, at a profit, without its predecessors. */
  standsAlone?: boolean;
};

export function chooseLane({ live, dependsOn, cursor, standsAlone = false }: ChooseLaneParameters): LaneChoice {
  const count = live.length;
  if (count <= 1) return (live[0] ?? 0) > 0 ? { kind: 'chained', lane: 0, ...(dependsOn !== undefined ? { from: dependsOn } : {}) } : { kind: 'free', lane: 0 };
  let free: number | undefined;
  for (let step = 0; step < count; step++) {
    const lane = (((cursor + step) % count) + count) % count;
    if (live[lane] === 0) {
      free = lane;
      break;
    }
  }
  if (dependsOn === undefined) return free !== undefined ? { kind: 'free', lane: free } : { kind: 'none', reason: `every operator has a live bundle (${count} operators): not chained behind one that may miss` };
  return free !== undefined && standsAlone ? { kind: 'detached', lane: free, from: dependsOn } : { kind: 'chained', lane: dependsOn, from: dependsOn };
}
