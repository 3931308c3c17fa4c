import { bench, describe } from 'vitest';
import { backrunCandidates, type EngineConfig } from '../../src/strategy/candidates.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';
import { syntheticMarket, syntheticVictim, WETH } from '../helpers/syntheticMarket.ts';
import { venueOfProtocol } from '../../src/state/venues.ts';

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
