import { parseAbi } from 'viem';
import { executorAbi } from './executor.generated.ts';

/**
 * The errors of the Uniswap V4 PoolManager (v4-core 1.0.2: IPoolManager, Pool, Hooks, CustomRevert) that reach the
 * executor's caller unchanged: a V4 hop calls the PoolManager, and Solidity bubbles its revert data up.
 */
export const v4PoolManagerErrorsAbi = parseAbi([
  'error PoolNotInitialized()',
  'error CurrencyNotSettled()',
  'error NonzeroNativeValue()',
  'error SwapAmountCannotBeZero()',
  'error HookDeltaExceedsSwapAmount()',
  'error ManagerLocked()',
  'error AlreadyUnlocked()',
  'error InvalidFeeForExactOut()',
  'error PriceLimitAlreadyExceeded(uint160 sqrtPriceCurrentX96, uint160 sqrtPriceLimitX96)',
  'error PriceLimitOutOfBounds(uint160 sqrtPriceLimitX96)',
  'error CurrenciesOutOfOrderOrEqual(address currency0, address currency1)',
  'error WrappedError(address target, bytes4 selector, bytes reason, bytes details)',
]);

/** What to decode an executor revert with: its own errors and those its V4 hops bubble up from the PoolManager. */
export const executorRevertAbi = [...executorAbi, ...v4PoolManagerErrorsAbi] as const;
