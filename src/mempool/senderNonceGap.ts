/**
 * Why a pending transaction cannot run next in its sender's account, or undefined when it can. Past the sender's
 * transaction count at the head and past the sender's earlier pending transactions we hold (they fill the nonces from
 * the count up, one by one), it runs only after a transaction of the sender's that nobody showed us (sent to another
 * relay, or not yet sent): a bundle that carries it may not run in the block at all, so nothing of ours may wait behind
 * it on a nonce chain. Below the count, its nonce is used: it never runs.
 */
export function senderNonceGap(count: number | bigint, nonce: bigint, earlierNonces: readonly bigint[]): string | undefined {
  const mined = BigInt(count);
  if (nonce < mined) return `its nonce ${nonce} is used: its sender's count at the head is ${mined}`;
  let next = mined;
  for (const earlier of [...earlierNonces].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) if (earlier === next) next++;
  if (nonce === next) return undefined;
  return `its sender's next nonce is ${next} (count ${mined} at the head, ${next - mined} earlier pending), not ${nonce}: ${nonce - next} transaction(s) of the sender's that nobody showed us must run first`;
}
