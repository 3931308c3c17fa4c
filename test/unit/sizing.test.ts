import { decodeFunctionData, getAddress, keccak256, parseTransaction, recoverTransactionAddress, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import { encodePlan, PlanError, type ExecutorPlan } from '../../src/bundle/plan.ts';
import { signExecutorSizedTransaction, SignTransactionError } from '../../src/bundle/signTransaction.ts';
import {
  decodeSizing,
  encodeSizing,
  SIZING_ENTRY_SIZE,
  SIZING_HEADER_SIZE,
  sizedAmountIn,
  sizingKeyKind,
  type SizingTable,
} from '../../src/bundle/sizing.ts';

const weth = getAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const usdc = getAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
const uniPair = getAddress('0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc');
const v3Pool = getAddress('0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640');

const plan: ExecutorPlan = {
  flash: false,
  targetBlock: 19_000_124n,
  amountIn: 40n * 10n ** 18n,
  minProfit: 10n ** 15n,
  builderPayment: 0n,
  maxBuilderShareBps: 5_000,
  startToken: weth,
  hops: [
    { pool: uniPair, factory: getAddress('0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f'), tokenOut: usdc, protocol: 'v2', zeroForOne: false, v2FeeBps: 30 },
    { pool: v3Pool, factory: getAddress('0x1F98431c8aD98523631AE4a59f267346ea31F984'), tokenOut: weth, protocol: 'v3', zeroForOne: true, v3Fee: 500 },
  ],
};

const table: SizingTable = {
  pool: v3Pool,
  builderShareBps: 2_500,
  // Given in victim order (the V3 key falls as the victim grows); encoded sorted by key.
  entries: [
    { key: 3n << 96n, amountIn: 0n },
    { key: 2n << 96n, amountIn: 4n * 10n ** 18n },
    { key: 1n << 96n, amountIn: 9n * 10n ** 18n },
  ],
};

describe('executeSized sizing tables', () => {
  it('packs the documented layout: pool, hop index, share, count, entries sorted by key', () => {
    const hex = encodeSizing(plan, table);
    expect((hex.length - 2) / 2).toBe(SIZING_HEADER_SIZE + 3 * SIZING_ENTRY_SIZE);
    expect(hex.slice(2, 42)).toBe(v3Pool.slice(2).toLowerCase());
    expect(hex.slice(42, 44)).toBe('01'); // the second hop swaps in the V3 pool
    expect(hex.slice(44, 48)).toBe('09c4'); // 2500 bps
    expect(hex.slice(48, 50)).toBe('03');
    const entry = (i: number) => hex.slice(2 + (SIZING_HEADER_SIZE + i * SIZING_ENTRY_SIZE) * 2, 2 + (SIZING_HEADER_SIZE + (i + 1) * SIZING_ENTRY_SIZE) * 2);
    expect(BigInt(`0x${entry(0).slice(0, 40)}`)).toBe(1n << 96n);
    expect(BigInt(`0x${entry(0).slice(40)}`)).toBe(9n * 10n ** 18n);
    expect(BigInt(`0x${entry(2).slice(0, 40)}`)).toBe(3n << 96n);
    expect(sizingKeyKind(plan, v3Pool)).toBe('v3SqrtPriceX96');
    expect(sizingKeyKind(plan, uniPair)).toBe('v2Reserve0');
  });

  it('decodes what it encodes', () => {
    const decoded = decodeSizing(encodeSizing(plan, table));
    expect(decoded).toEqual({ pool: v3Pool, hopIndex: 1, builderShareBps: 2_500, entries: [...table.entries].reverse() });
    expect(() => decodeSizing(`${encodeSizing(plan, table)}00` as Hex)).toThrow(PlanError);
  });

  it('refuses what the contract would refuse, or run differently than meant', () => {
    const bad = (p: ExecutorPlan, t: SizingTable, message: RegExp) => expect(() => encodeSizing(p, t)).toThrow(message);
    bad({ ...plan, flash: true }, table, /inventory plans only/);
    bad({ ...plan, builderPayment: 1n }, table, /builderPayment must be 0/);
    bad(plan, { ...table, builderShareBps: 5_001 }, /builderShareBps must be an integer 0\.\.5000/);
    bad(plan, { ...table, builderShareBps: 1.5 }, /builderShareBps/);
    bad(plan, { ...table, pool: weth }, /not one of the plan's hops/);
    bad(plan, { ...table, entries: table.entries.slice(0, 1) }, /2 to 64 entries/);
    bad(plan, { ...table, entries: Array.from({ length: 65 }, (_, i) => ({ key: BigInt(i + 1), amountIn: 1n })) }, /2 to 64 entries/);
    bad(plan, { ...table, entries: [...table.entries, { key: 2n << 96n, amountIn: 1n }] }, /appears twice/);
    bad(plan, { ...table, entries: [...table.entries, { key: 1n << 160n, amountIn: 1n }] }, /160 bits/);
    bad(plan, { ...table, entries: [...table.entries, { key: 5n, amountIn: 1n << 128n }] }, /128 bits/);
    bad(plan, { ...table, entries: [...table.entries, { key: -1n, amountIn: 1n }] }, /160 bits/);
  });

  it('sizedAmountIn: nothing outside the table or at 0, the table entry on a key, capped at the ceiling', () => {
    expect(sizedAmountIn(table.entries, (1n << 96n) - 1n, 10n ** 30n)).toBeUndefined();
    expect(sizedAmountIn(table.entries, (3n << 96n) + 1n, 10n ** 30n)).toBeUndefined();
    expect(sizedAmountIn(table.entries, 3n << 96n, 10n ** 30n)).toBeUndefined(); // amount 0 there
    expect(sizedAmountIn(table.entries, 2n << 96n, 10n ** 30n)).toBe(4n * 10n ** 18n);
    expect(sizedAmountIn(table.entries, 1n << 96n, 10n ** 30n)).toBe(9n * 10n ** 18n);
    expect(sizedAmountIn(table.entries, 1n << 96n, 5n * 10n ** 18n)).toBe(5n * 10n ** 18n);
    expect(() => sizedAmountIn([...table.entries, { key: 1n << 96n, amountIn: 1n }], 1n << 96n, 1n)).toThrow(PlanError);
  });
});

describe('signExecutorSizedTransaction', () => {
  const executor: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
  const fields = { chainId: 1, executor, nonce: 7, gas: 600_000n, maxFeePerGas: 31n * 10n ** 9n, maxPriorityFeePerGas: 10n ** 9n };

  it('signs executeSized(plan, sizing) as EIP-1559; fields and packed bytes sign the same', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const signed = await signExecutorSizedTransaction({ account, ...fields, plan, sizing: table });
    expect(signed.hash).toBe(keccak256(signed.raw));
    expect(await recoverTransactionAddress({ serializedTransaction: signed.raw as never })).toBe(account.address);
    const parsed = parseTransaction(signed.raw);
    expect(parsed).toMatchObject({ type: 'eip1559', chainId: 1, nonce: 7, gas: 600_000n, to: executor.toLowerCase() });
    const call = decodeFunctionData({ abi: executorAbi, data: parsed.data! });
    expect(call.functionName).toBe('executeSized');
    expect(call.args).toEqual([encodePlan(plan), encodeSizing(plan, table)]);
    const packed = await signExecutorSizedTransaction({ account, ...fields, plan: encodePlan(plan), sizing: encodeSizing(plan, table) });
    expect(packed.raw).toBe(signed.raw);
  });

  it('refuses bad transaction fields and bad tables before signing', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    await expect(signExecutorSizedTransaction({ account, ...fields, nonce: -1, plan, sizing: table })).rejects.toBeInstanceOf(SignTransactionError);
    await expect(signExecutorSizedTransaction({ account, ...fields, plan: { ...plan, flash: true }, sizing: table })).rejects.toBeInstanceOf(PlanError);
  });

  it('keys a table on a V4 hop by its pool id: the header names the PoolManager, the id follows the entries', () => {
    const poolManager = getAddress('0x000000000004444c5dc75cB358380D2e3dE08A90');
    const v4Key = { currency0: usdc, currency1: weth, fee: 500, tickSpacing: 10, hooks: getAddress('0x0000000000000000000000000000000000000000') };
    const v4Hop = { pool: poolManager, tokenOut: weth, protocol: 'v4', zeroForOne: true, v4Key } as const;
    const withV4: ExecutorPlan = { ...plan, hops: [plan.hops[0]!, v4Hop] };
    // The id as v4-core's PoolIdLibrary computes it: keccak256 of the ABI-encoded key (five words), written out here.
    const word = (hex: string) => hex.slice(2).toLowerCase().padStart(64, '0');
    const id = keccak256(`0x${word(usdc)}${word(weth)}${word('0x1f4')}${word('0x0a')}${word('0x00')}`);
    expect(sizingKeyKind(withV4, id)).toBe('v4SqrtPriceX96');
    const hex = encodeSizing(withV4, { ...table, pool: id });
    expect((hex.length - 2) / 2).toBe(SIZING_HEADER_SIZE + 3 * SIZING_ENTRY_SIZE + 32);
    expect(hex.slice(2, 42)).toBe(poolManager.slice(2).toLowerCase());
    expect(hex.slice(42, 44)).toBe('01');
    expect(`0x${hex.slice(-64)}`).toBe(id);
    expect(decodeSizing(hex)).toEqual({ pool: poolManager, hopIndex: 1, builderShareBps: 2_500, entries: [...table.entries].reverse(), poolId: id });
    // The PoolManager's address names every pool in it: refused, as is an id of no hop of the plan.
    expect(() => sizingKeyKind(withV4, poolManager)).toThrow(PlanError);
    expect(() => encodeSizing(withV4, { ...table, pool: poolManager })).toThrow(/pool id/);
    expect(() => encodeSizing(withV4, { ...table, pool: keccak256('0x01') })).toThrow(/not the pool of one of the plan's V4 hops/);
  });
});
