import { readFileSync } from 'node:fs';
import { decodeErrorResult, encodeErrorResult, toFunctionSelector, type Abi } from 'viem';
import { describe, expect, it } from 'vitest';
import { executorRevertAbi } from '../../src/abi/executorRevert.ts';

// The real PoolManager artifact (v4-core 1.0.2) is the independent source of its errors' shapes.
const poolManagerAbi = JSON.parse(readFileSync('node_modules/@uniswap/v4-core/out/PoolManager.sol/PoolManager.json', 'utf8')).abi as Abi;

describe('the executor revert ABI', () => {
  it('decodes the PoolManager errors a V4 hop bubbles up, by their real selectors', () => {
    // Selectors seen in forge runs against the real PoolManager (NonzeroNativeValue, PoolNotInitialized).
    expect(decodeErrorResult({ abi: executorRevertAbi, data: '0xb0ec849e' }).errorName).toBe('NonzeroNativeValue');
    expect(decodeErrorResult({ abi: executorRevertAbi, data: '0x486aa307' }).errorName).toBe('PoolNotInitialized');
    const names = ['PoolNotInitialized', 'CurrencyNotSettled', 'NonzeroNativeValue', 'SwapAmountCannotBeZero', 'ManagerLocked', 'AlreadyUnlocked'];
    for (const errorName of names) {
      const data = encodeErrorResult({ abi: poolManagerAbi, errorName });
      expect(decodeErrorResult({ abi: executorRevertAbi, data }).errorName).toBe(errorName);
    }
  });

  it('decodes the errors from v4-core libraries (Hooks, Pool, CustomRevert) with their arguments', () => {
    // Signatures as declared in node_modules/@uniswap/v4-core/src/libraries/{Hooks,Pool,CustomRevert}.sol.
    const source = (file: string) => readFileSync(`node_modules/@uniswap/v4-core/src/libraries/${file}`, 'utf8');
    expect(source('Hooks.sol')).toContain('error HookDeltaExceedsSwapAmount();');
    expect(source('Pool.sol')).toContain('error PriceLimitAlreadyExceeded(uint160 sqrtPriceCurrentX96, uint160 sqrtPriceLimitX96);');
    expect(source('CustomRevert.sol')).toContain('error WrappedError(address target, bytes4 selector, bytes reason, bytes details);');
    expect(decodeErrorResult({ abi: executorRevertAbi, data: toFunctionSelector('HookDeltaExceedsSwapAmount()') }).errorName).toBe('HookDeltaExceedsSwapAmount');
    const limit = `${toFunctionSelector('PriceLimitAlreadyExceeded(uint160,uint160)')}${(5n).toString(16).padStart(64, '0')}${(7n).toString(16).padStart(64, '0')}` as const;
    expect(decodeErrorResult({ abi: executorRevertAbi, data: limit })).toEqual({ abiItem: expect.anything(), errorName: 'PriceLimitAlreadyExceeded', args: [5n, 7n] });
  });

  it('still decodes the executor’s own errors', () => {
    const data = encodeErrorResult({ abi: executorRevertAbi, errorName: 'InsufficientProfit', args: [-3n, 4n] });
    expect(decodeErrorResult({ abi: executorRevertAbi, data }).args).toEqual([-3n, 4n]);
  });
});
