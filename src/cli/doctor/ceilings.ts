/**
 * Absolute ceilings the doctor holds the breaker limits to, whatever the config says. Each breaker is only as
 * good as its limit: a config may set a limit so loose the breaker can never trip (9999 bps of loss a day, a
 * 1 ms failure cooldown, a kill switch read once a day), and then a check against the config's own bound passes
 * trivially. The bot still runs with such a config; the doctor fails it, so a person decides, knowingly.
 */
export const ceilings = {
  /** Loss per rolling day: 10% of equity. A day's loss beyond it is not "a bad day", it is a bug or an attack. */
  maxDailyLossBps: 1_000,
  /** Loss per rolling hour: the same 10% (an hour may not lose more than the day may). */
  maxHourlyLossBps: 1_000,
  /** Failed bundles in a row before the pause: beyond 20 the failure breaker only pauses a bot that is broken. */
  maxConsecutiveFailures: 20,
  /** The pause after those failures, at least 1 s: a shorter one is no pause at all. */
  minFailureCooldownMs: 1_000,
  /** Gas for bundles of one block: 1 ETH (2M gas at 500 gwei); above it one block can burn a wallet. */
  maxSpendPerBlockWei: 10n ** 18n,
  /**
   * Gas for one block is also held to the per-trade inventory cap (risk.exposure.maxInventoryAmountIn, the WETH
   * one trade may take): paying more gas in a block than a trade may put at risk makes no sense.
   */
  gasPerBlockPerInventoryCap: 1n,
  /** No new head for 60 s (5 mainnet slots): the node has stopped following the chain. */
  maxHeadSilenceMs: 60_000,
  /** A head arriving 12 s (a slot) after its timestamp is a block too late to backrun. */
  maxHeadLatencyMs: 12_000,
  /** A round trip to the node of 2 s: every block and every bundle waits for it. */
  maxSocketLatencyMs: 2_000,
  /** The kill switch's latch read every 5 s at most: a halt from another shell is obeyed within 5 s. */
  maxKillSwitchPollMs: 5_000,
} as const;
