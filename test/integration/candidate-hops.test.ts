/**
 * The whole bot records each candidate's pools as its market held them (searcher.ts gives the ledger the engine's
 * market): a backrun of a real victim on the devnet is stored with one hop per pool of its path, each naming the
 * pool the devnet placed (its manifest: address, protocol, fee, tokens).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { signVictim } from '../helpers/backrun.ts';
import { startTestBot, stepBlock, victimsHandled } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

let devnet: Devnet;
let app: SearcherApp;

beforeAll(async () => {
  devnet = await startTestDevnet();
  ({ app } = await startTestBot(devnet, {}, { laneSigners: [] }));
  await stepBlock(devnet, app);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await devnet?.stop();
});

describe('the bot records the pools of its candidates', () => {
  it("stores a backrun's path with each pool's protocol, venue, fee and tokens, as the devnet placed them", async () => {
    const before = app.engine.stats.victims;
    await signVictim(devnet, { router: 'uniswapV2Router02', path: ['WETH', 'WBTC'], amount: 30n * 10n ** 18n, trader: 1 });
    await victimsHandled(app, before + 1);
    await stepBlock(devnet, app);
    await app.ledger.settled();
    const recorded = app.store.recentOpportunities(50).filter((o) => o.path.length > 0);
    expect(recorded.length).toBeGreaterThan(0);
    const placed = new Map(devnet.manifest.pools.map((pool) => [pool.address.toLowerCase(), pool]));
    for (const opportunity of recorded) {
      expect(opportunity.hops, `opportunity ${opportunity.id}`).not.toBeNull();
      expect(opportunity.hops!.map((hop) => hop.pool.toLowerCase())).toEqual(opportunity.path.map((pool) => pool.toLowerCase()));
      for (const hop of opportunity.hops!) {
        const pool = placed.get(hop.pool.toLowerCase())!;
        expect(pool, hop.pool).toBeDefined();
        const [token0, token1] = [pool.token0, pool.token1].map((token) => token.toLowerCase());
        expect({ protocol: hop.protocol, venue: hop.venue, token0: hop.token0.toLowerCase(), token1: hop.token1.toLowerCase() }).toEqual({ protocol: pool.dex === 'uniswapV3' ? 'v3' : 'v2', venue: pool.dex, token0, token1 });
        // V2 pairs (Uniswap and SushiSwap) charge 0.3%: 3000 hundredths of a basis point.
        expect(hop.feePips).toBe(pool.dex === 'uniswapV3' ? pool.fee : 3000);
      }
    }
  }, 120_000);
});
