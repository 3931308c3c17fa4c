import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { createLogger } from '../../src/log.ts';
import { readPools } from '../../src/state/reader.ts';
import { TokenSafety } from '../../src/sim/tokenSafety.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

let devnet: Devnet;
beforeAll(async () => {
  devnet = await startTestDevnet();
});
afterAll(async () => {
  await devnet?.stop();
});

describe('token safety round trips', () => {
  it('passes standard and USDT-like tokens, catches fee-on-transfer, honeypot and Salmonella, and remembers', async () => {
    const safety = new TokenSafety({ client: devnet.client as never, weth: mainnet.weth, logger: createLogger('test'), scope: 'test' });
    const block = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const verdicts: Record<string, boolean> = {};
    for (const token of devnet.manifest.tokens) {
      if (token.kind === 'weth') continue;
      const pairInfo = devnet.manifest.pools.find((pool) => pool.dex === 'uniswapV2' && pool.pair.includes('WETH') && pool.pair.includes(token.symbol));
      const pair = pairInfo ? (await readPools(devnet.client as never, { v2: [pairInfo.address] })).v2[0] : undefined;
      verdicts[token.symbol] = (await safety.check(token.address, pair, block)).safe;
    }
    expect(verdicts).toEqual({ USDC: true, USDT: true, DAI: true, WBTC: true, FOT: false, HONEY: false, SALMON: false });
    const honey = devnet.manifest.tokens.find((t) => t.symbol === 'HONEY')!;
    expect(safety.verdict(honey.address)!.reason).toBe('refuses a transfer between holders');
    const salmon = devnet.manifest.tokens.find((t) => t.symbol === 'SALMON')!;
    expect(safety.verdict(salmon.address)!.reason).toMatch(/delivers \d+ where the pair promised \d+/);
    // Remembered: asked again (even without a market), the verdict stands without a probe.
    expect(await safety.check(salmon.address, undefined, block + 1n)).toMatchObject({ verdict: 'unsafe', block: String(block) });
  });
});
