import { zeroAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { mainnet, mainnetTokens } from '../../src/chain/addresses.ts';
import { toBundleRow, toPoolRows } from '../../src/monitor/dashboard/storeSource.ts';
import { hopRecord, parseHops } from '../../src/monitor/hops.ts';
import { summarizePools } from '../../src/monitor/poolQueries.ts';
import { feeLabel, hopLabel, pairLabel, shortId, tokenLabel } from '../../src/monitor/poolLabels.ts';
import { dynamicHook, v2WethUsdc, v3WethUsdc, v4DynamicEthUsdc, v4EthUsdc } from '../helpers/v4MonitorPools.ts';

describe('naming a pool for the report and the dashboard, V4 like the others', () => {
  it('shortens a 32-byte V4 pool id exactly as a 20-byte address', () => {
    const id = v4EthUsdc.address;
    expect(id).toHaveLength(66);
    expect(shortId(id)).toBe(`${id.slice(0, 8)}…${id.slice(-4)}`);
    expect(shortId(v2WethUsdc.address)).toBe('0xB4e16d…C9Dc');
    expect(shortId('builder-1')).toBe('builder-1');
    expect(hopLabel(id, { protocol: 'v4' })).toBe(`v4 ${shortId(id)}`);
  });

  it('shows address(0) as ETH, WETH and well-known tokens by symbol, others short', () => {
    expect(tokenLabel(zeroAddress)).toBe('ETH');
    expect(tokenLabel(mainnet.weth.toLowerCase())).toBe('WETH');
    expect(tokenLabel(mainnetTokens.DAI!)).toBe('DAI');
    expect(tokenLabel('0x00000000000000000000000000000000000000a1')).toBe('0x000000…00a1');
    expect(pairLabel(hopRecord(v4EthUsdc))).toBe('ETH/USDC');
    expect(pairLabel({})).toBe('');
  });

  it('gives the fee in percent (pips / 10^4), with tick spacing, V4 hooks, and a hook-set fee as dynamic', () => {
    expect(feeLabel(hopRecord(v2WethUsdc))).toBe('0.3%');
    expect(feeLabel(hopRecord(v3WethUsdc))).toBe('0.05% ts 10');
    expect(feeLabel(hopRecord(v4EthUsdc))).toBe('0.3% ts 60');
    expect(feeLabel(hopRecord(v4DynamicEthUsdc))).toBe(`dynamic ts 60 hooks ${shortId(dynamicHook)}`);
    expect(feeLabel({ protocol: 'v4', feePips: 1, tickSpacing: 1 })).toBe('0.0001% ts 1');
    expect(feeLabel({ protocol: null })).toBe('');
  });

  it('reads back what it writes, and refuses a hops column that is not (a V4 pool named by 20 bytes, a bad fee)', () => {
    const hops = [hopRecord(v2WethUsdc), hopRecord(v4DynamicEthUsdc)];
    expect(parseHops(JSON.stringify(hops))).toEqual(hops);
    expect(parseHops(null)).toBeNull();
    expect(parseHops('not json')).toBeNull();
    expect(parseHops(JSON.stringify([{ ...hopRecord(v4EthUsdc), pool: v2WethUsdc.address }]))).toBeNull();
    expect(parseHops(JSON.stringify([{ ...hopRecord(v4EthUsdc), feePips: '3000' }]))).toBeNull();
  });

  it('names the pools of rows recorded by id alone: a 32-byte id is V4, a 20-byte one unknown, never guessed further', () => {
    const path = JSON.stringify([v2WethUsdc.address, v4EthUsdc.address]);
    const { pools, venues } = summarizePools([{ path, hops: null, bundle: 'b', status: 'success', net_wei: '7' }]);
    const rows = toPoolRows(pools);
    expect(rows.map((row) => [row.pool, row.short, row.protocol, row.venue, row.fee, row.pair, row.candidates, row.landed, row.netWei])).toEqual([
      [v2WethUsdc.address, shortId(v2WethUsdc.address), '?', '', '', '', 1, 1, '7'],
      [v4EthUsdc.address, shortId(v4EthUsdc.address), 'v4', '', '', '', 1, 1, '7'],
    ]);
    expect(venues.map((venue) => [venue.protocol, venue.venue, venue.pools, venue.candidates])).toEqual([[null, null, 1, 1], ['v4', null, 1, 1]]);
    const bundle = toBundleRow({
      instance: 'bot', id: 'b', opportunityId: 1, targetBlock: 5, ourTxHash: `0x${'1'.repeat(64)}`, txHashes: [], predictedNetWei: 1n, simulatedNetWei: null, sentAtMs: 0,
      status: 'pending', reason: null, detail: null, netWei: null, landedBlock: null, path: [v2WethUsdc.address, v4EthUsdc.address], hops: null, submissions: [],
    });
    expect(bundle.pools).toEqual([{ label: shortId(v2WethUsdc.address), id: v2WethUsdc.address }, { label: `v4 ${shortId(v4EthUsdc.address)}`, id: v4EthUsdc.address }]);
  });
});
