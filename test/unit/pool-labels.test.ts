import { zeroAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { mainnet, mainnetTokens } from '../../src/chain/addresses.ts';
import { hopRecord, parseHops } from '../../src/monitor/hops.ts';
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
});
