import { describe, expect, it } from 'vitest';
import type { VictimOrder } from '../helpers/backrun.ts';
import { quoteAfterVictim, runBotOnVictim, type BotTrade } from '../helpers/botTrade.ts';

const ether = 10n ** 18n;
/** The default inventory cap (risk.exposure.maxInventoryAmountIn). */
const cap = 10n * ether;
/** A WETH dump on SushiSwap: the best backrun buys USDC on Uniswap V3 and sells it on SushiSwap, about 34 WETH in. */
const v3ThenV2: VictimOrder = { router: 'sushiswapRouter', path: ['WETH', 'USDC'], amount: 40n * ether };
/** A WETH dump on the V3 0.05% pool: the best backrun goes Uniswap V2 then V3, about 17 WETH in. */
const v2ThenV3: VictimOrder = { router: 'swapRouter', path: ['WETH', 'USDC'], fees: [500], amount: 100n * ether };

const why = (trade: BotTrade) => trade.opportunities.map((opportunity) => `${opportunity.decision}: ${opportunity.reason}`).join('\n');
/** Inputs up to the cap, the cap itself included. */
const upToCap = Array.from({ length: 20 }, (_, i) => (cap * BigInt(i + 1)) / 20n);

describe('sizing within the exposure caps, on the devnet', () => {
  it.each([
    ['V3 then V2', v3ThenV2],
    ['V2 then V3', v2ThenV3],
  ])('a %s dislocation whose best input is above the 10 WETH inventory cap: the bot sends the best trade of at most the cap, and it lands and profits', async (_, order) => {
    const trade = await runBotOnVictim(order, {});
    expect(trade.victimStatus).toBe('success');
    expect(trade.ours, why(trade)).toBeDefined();
    const { plan, receipt } = trade.ours!;
    expect(receipt.status).toBe('success');
    expect(plan.flash).toBe(false);
    expect(plan.amountIn).toBeLessThanOrEqual(cap);

    // The real contracts' quotes on the state the bot traded on, independent of our math.
    const beyond = [(cap * 3n) / 2n, cap * 2n];
    const inputs = [plan.amountIn, ...upToCap, ...beyond];
    const outputs = await quoteAfterVictim(order, plan.startToken, plan.hops, inputs);
    const profit = (index: number) => outputs[index]! - inputs[index]!;
    // The cap binds: more input would have made more...
    expect(profit(upToCap.length + 1)).toBeGreaterThan(profit(upToCap.length));
    // ...but no input up to the cap beats the bot's.
    for (let index = 1; index <= upToCap.length; index++) expect(profit(0)).toBeGreaterThanOrEqual(profit(index));
    // The chain paid what the quotes say, and the trade made money after gas and the builder.
    expect(trade.executorDelta + plan.builderPayment).toBe(profit(0));
    expect(trade.executorDelta - trade.gasFeeWei).toBeGreaterThan(0n);
  }, 180_000);

  it('with flash swaps allowed, the same dislocation is taken above the cap with the first leg borrowed: it lands and nets more than the capped trade', async () => {
    const capped = await runBotOnVictim(v3ThenV2, {});
    const flash = await runBotOnVictim(v3ThenV2, { strategy: { flash: true } });
    expect(flash.ours, why(flash)).toBeDefined();
    expect(capped.ours, why(capped)).toBeDefined();
    const { plan, receipt } = flash.ours!;
    expect(receipt.status).toBe('success');
    expect(plan.flash).toBe(true);
    expect(plan.amountIn).toBeGreaterThan(cap);
    expect(plan.amountIn).toBeLessThanOrEqual(100n * ether); // risk.exposure.maxFlashAmount

    const inputs = [plan.amountIn, ...upToCap];
    const outputs = await quoteAfterVictim(v3ThenV2, plan.startToken, plan.hops, inputs);
    const gross = flash.executorDelta + plan.builderPayment;
    expect(gross).toBe(outputs[0]! - plan.amountIn);
    const bestCappedGross = upToCap.reduce((best, amountIn, index) => (outputs[index + 1]! - amountIn > best ? outputs[index + 1]! - amountIn : best), 0n);
    expect(gross).toBeGreaterThan(bestCappedGross);
    // Net of gas and the builder, on chain, against the capped trade on the same state.
    expect(flash.executorDelta - flash.gasFeeWei).toBeGreaterThan(capped.executorDelta - capped.gasFeeWei);
  }, 240_000);

  it('when neither a trade within the cap nor a flash swap is worth it, the refusal shows the best input and the cap in WETH', async () => {
    const trade = await runBotOnVictim(v3ThenV2, { risk: { exposure: { maxInventoryAmountIn: String(ether / 1000n) } } });
    expect(trade.bundles).toBe(0);
    expect(trade.ours).toBeUndefined();
    const refused = trade.opportunities.filter((opportunity) => opportunity.decision === 'reject');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.reason).toMatch(/amountIn 3\d\.\d+ WETH above the inventory cap 0\.001 WETH/);
  }, 120_000);
});
