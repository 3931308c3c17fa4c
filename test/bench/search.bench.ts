import { bench, describe } from 'vitest';
import { backrunCandidates, type EngineConfig } from '../../src/strategy/candidates.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';
import { syntheticMarket, syntheticVictim, WETH } from '../helpers/syntheticMarket.ts';
import { venueOfProtocol } from '../../src/state/venues.ts';
import { hubMarket, hubVictims } from '../helpers/hubMarket.ts';

// Search latency per victim (no simulation): apply the victim to an overlay, find every 2- and 3-hop cycle
// through the pools it moved, size each exactly, cost it. The p99 column is the figure the goal is about.
const config: EngineConfig = {
  startToken: WETH,
  venues: venueOfProtocol,
  policy: { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n },
};

for (const size of [1_000, 10_000, 100_000]) {
  describe(`backrun search per victim, ${size.toLocaleString('en-US')} pools`, () => {
    const { market, tokens } = syntheticMarket(size);
    const graph = new PoolGraph(market.all());
    let i = 0;
    bench('backrunCandidates', () => {
      const token = tokens[i++ % tokens.length]!;
      backrunCandidates(market, graph, syntheticVictim(token, 10n ** 19n, i), 10n ** 9n, config);
    }, { time: 2000 });
  });
}

// Hubs with thousands of neighbours (WETH 5,000, USDC 2,000): a third of the victims trade on WETH/USDC, whose
// cycles run through every USDC neighbour. `npm run bench:search` reports p50/p99 over five runs.
describe('backrun search per victim, hubs: WETH 5,000 neighbours, USDC 2,000', () => {
  const hub = hubMarket(5_000, 2_000);
  const graph = new PoolGraph(hub.market.all());
  const victims = hubVictims(hub, 2_000, 2_000);
  let i = 0;
  bench('backrunCandidates', () => {
    backrunCandidates(hub.market, graph, victims[i++ % victims.length]!, 10n ** 9n, config);
  }, { time: 2000 });
});
