import { afterEach, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import type { SearcherApp } from '../../src/searcher.ts';
import { formatUnitsExact } from '../../src/units/decimal.ts';
import { startTestBot, stepBlock } from '../helpers/bot.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

let devnet: Devnet | undefined;
let app: SearcherApp | undefined;
afterEach(async () => {
  await app?.stop();
  await devnet?.stop();
  app = undefined;
  devnet = undefined;
});

describe('searcher_cumulative_pnl_eth across a restart', () => {
  // The SearcherLosingMoney alert is a fall of this gauge: a restarted bot that exported 0 until its next landed
  // bundle would read as losing everything it had made.
  it('a restarted bot exports the realised PnL its store holds from the start, not 0', async () => {
    devnet = await startTestDevnet({ traffic: true });
    const first = await startTestBot(devnet);
    app = first.app;
    for (let block = 0; block < 15 && first.app.store.totals().included === 0; block++) await stepBlock(devnet, first.app);
    const totals = first.app.store.totals();
    expect(totals.included).toBeGreaterThan(0);
    expect(totals.netWei).not.toBe(0n);
    const before = /^searcher_cumulative_pnl_eth (\S+)$/m.exec(await first.app.metrics.text())![1]!;
    expect(Number(before)).toBe(Number(formatUnitsExact(totals.netWei, 18)));
    await first.app.stop();

    const second = await startTestBot(devnet, {}, { dbFile: first.dbFile });
    app = second.app;
    // The restarted bot may account more of the last block (its outstanding bundles resolve from the chain), so
    // the store's total can move while the gauge is read: it must equal the store's total just before or after.
    const storeBefore = Number(formatUnitsExact(second.app.store.totals().netWei, 18));
    const after = Number(/^searcher_cumulative_pnl_eth (\S+)$/m.exec(await second.app.metrics.text())![1]!);
    const storeAfter = Number(formatUnitsExact(second.app.store.totals().netWei, 18));
    expect(storeBefore).not.toBe(0);
    expect([storeBefore, storeAfter]).toContain(after);
  }, 180_000);
});
