import { join } from 'node:path';
import { encodeFunctionData, parseAbi, type PublicClient } from 'viem';
import { afterAll, bench, describe } from 'vitest';
import { quoteV4ExactInput, simulateV4Swap } from '../../src/amm/v4/pool.ts';
import { mainnetV4 } from '../../src/chain/addresses.ts';
import { loadScenario } from '../../src/devnet/scenario/load.ts';
import { projectRoot } from '../../src/paths.ts';
import { readV4Pool } from '../../src/state/v4Reader.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

// One V4 exact-input quote on the same pool state, two ways: our bigint math (src/amm/v4/pool.ts) against an
// eth_call to the real V4Quoter on the devnet's anvil (the real PoolManager underneath), over 127.0.0.1.
// test/integration/v4-exactness.test.ts asserts the two answer the same.
const quoterAbi = parseAbi([
  'struct PoolKey { address currency0; address currency1; uint24 fee; int24 tickSpacing; address hooks; }',
  'struct QuoteExactSingleParams { PoolKey poolKey; bool zeroForOne; uint128 exactAmount; bytes hookData; }',
  'function quoteExactInputSingle(QuoteExactSingleParams params) returns (uint256 amountOut, uint256 gasEstimate)',
]);

const devnet = await startTestDevnet({ scenario: { ...loadScenario(join(projectRoot(), 'scenarios', 'v4.json')), privateFlow: null } });
afterAll(() => devnet.stop());
const listed = devnet.manifest.v4.pools.find((pool) => pool.hook === 'none' && pool.key.tickSpacing === 10)!;
const pool = await readV4Pool(devnet.client as PublicClient, { poolManager: mainnetV4.poolManager, key: listed.key });

/** The smallest power-of-two-ish ETH input (0 -> 1) that crosses at least `crossings` initialized ticks. */
function inputCrossing(crossings: number): bigint {
  let amount = 10n ** 12n;
  while (simulateV4Swap(pool, { zeroForOne: true, amountSpecified: -amount }).ticksCrossed < crossings) amount *= 2n;
  return amount;
}

for (const crossings of [0, 1, 3]) {
  const amount = inputCrossing(crossings);
  const data = encodeFunctionData({ abi: quoterAbi, functionName: 'quoteExactInputSingle', args: [{ poolKey: listed.key, zeroForOne: true, exactAmount: amount, hookData: '0x' }] });
  describe(`V4 exact-input quote crossing ${crossings} initialized ticks`, () => {
    bench('searcher quoteV4ExactInput', () => {
      quoteV4ExactInput(pool, true, amount);
    });
    bench('V4Quoter eth_call on anvil', async () => {
      await devnet.client.call({ to: mainnetV4.quoter, data });
    });
  });
}
