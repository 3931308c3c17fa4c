import { describe, expect, it } from 'vitest';
import type { VictimOrder } from '../helpers/backrun.ts';
import { runBotOnVictim, type BotTrade } from '../helpers/botTrade.ts';

const ether = 10n ** 18n;
/** A small WETH dump on the V3 0.05% pool: a backrun through Uniswap V2 then V3 worth a few milli-ether gross. */
const order: VictimOrder = { router: 'swapRouter', path: ['WETH', 'USDC'], fees: [500], amount: 30n * ether };
/** A 20 gwei tip makes gas a large share of that profit. */
const priorityFeeWei = 20_000_000_000n;
const config = (minNetProfitWei: bigint) => ({ strategy: { priorityFeeWei: String(priorityFeeWei), minNetProfitWei: String(minNetProfitWei) } });
/** The gas the victim's backrun was simulated at (the bot may judge a later block-state arbitrage too). */
const backrunGas = (trade: BotTrade) => trade.opportunities.find((opportunity) => opportunity.victim !== null)?.simulations[0]?.gasUsed;
/**
 * The same run again with another minimum, in the conditions of `probe` (runBotOnVictim lands every victim at
 * the same block, so the plan's calldata and the base fee are the same): checked, since the line is only the
 * line in those conditions.
 */
async function runLike(probe: BotTrade, minNetProfitWei: bigint): Promise<BotTrade> {
  const trade = await runBotOnVictim(order, config(minNetProfitWei));
  expect(trade.baseFeePerGas, 'the victim block at the probe\'s base fee').toBe(probe.baseFeePerGas);
  expect(backrunGas(trade), 'the backrun simulated at the probe\'s gas').toBe(backrunGas(probe));
  return trade;
}
const why = (trade: BotTrade) => trade.opportunities.map((opportunity) => `${opportunity.decision}: ${opportunity.reason}`).join('\n');

describe('only bundles that are profitable after their simulated gas are sent', () => {
  it('a backrun whose net after the gas it really uses is below minNetProfitWei is not sent; at exactly the line it is, and nets that much on chain', async () => {
    // The chain's truth: what this backrun nets after the gas it burns at the target block's price.
    const probe = await runBotOnVictim(order, config(0n));
    expect(probe.ours, why(probe)).toBeDefined();
    expect(probe.ours!.receipt.status).toBe('success');
    expect(probe.ours!.receipt.effectiveGasPrice).toBe(probe.baseFeePerGas + priorityFeeWei);
    const gross = probe.executorDelta + probe.ours!.plan.builderPayment;
    const net = probe.executorDelta - probe.gasFeeWei;
    expect(backrunGas(probe)).toBe(Number(probe.ours!.receipt.gasUsed)); // the simulation burned what the chain did
    expect(gross).toBeGreaterThan(probe.gasFeeWei);
    expect(net).toBeGreaterThan(0n);

    const below = await runLike(probe, net + 1n);
    expect(below.victimStatus).toBe('success');
    expect(below.bundlesForVictimBlock, why(below)).toBe(0);
    expect(below.ours).toBeUndefined();
    const rejected = below.opportunities.filter((opportunity) => opportunity.decision === 'reject');
    expect(rejected.length).toBeGreaterThan(0);
    // Judged on the simulation: the pre-filter lets it through (it could pay at the least gas it may burn).
    expect(rejected[0]!.simulations.length).toBeGreaterThan(0);
    expect(rejected[0]!.reason).toMatch(/net after simulated gas below the minimum/);
    expect(rejected[0]!.reason).toContain(String(net + 1n));

    const atLine = await runLike(probe, net);
    expect(atLine.ours, why(atLine)).toBeDefined();
    expect(atLine.ours!.receipt.status).toBe('success');
    expect(atLine.executorDelta - atLine.gasFeeWei).toBe(net);
  }, 240_000);

  it('the builder payment is at most its share of what is left after the gas the transaction really used', async () => {
    const trade = await runBotOnVictim(order, config(0n));
    expect(trade.ours, why(trade)).toBeDefined();
    const { plan, receipt } = trade.ours!;
    expect(receipt.status).toBe('success');
    expect(plan.builderPayment).toBeGreaterThan(0n);
    const gross = trade.executorDelta + plan.builderPayment;
    const afterGas = gross - receipt.gasUsed * receipt.effectiveGasPrice;
    expect(plan.builderPayment).toBeLessThanOrEqual((afterGas * BigInt(plan.maxBuilderShareBps)) / 10_000n);
    expect(afterGas - plan.builderPayment).toBeGreaterThan(0n);
  }, 120_000);
});
