import { numberToHex, pad, type Address, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  accountExecution,
  AccountingError,
  builderPaidTopic,
  depositTopic,
  transferTopic,
  v4SwapTopic,
  withdrawalTopic,
  type LogLike,
} from '../../src/chain/executionAccount.ts';

// Receipts shaped as Executor.execute leaves them with native-ETH V4 hops (contracts/src/V4Legs.sol): the expected
// figures are what each story moves (amounts in, out, paid), written out by hand, not recomputed by the rule.
const weth = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2' as Address;
const usdc = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48' as Address;
const dai = '0x6B175474E89094C44Da98b954EedeAC495271d0F' as Address;
const executor = '0x1111111111111111111111111111111111111111' as Address;
const poolManager = '0x000000000004444c5dc75cB358380D2e3dE08A90' as Address;
const v3Pool = '0x2222222222222222222222222222222222222222' as Address;
const v2Pair = '0x3333333333333333333333333333333333333333' as Address;
const coinbase = '0x4444444444444444444444444444444444444444' as Address;
const rogue = '0x5555555555555555555555555555555555555555' as Address;

const word = (value: bigint) => numberToHex(value, { size: 32 });
const topic = (address: Address) => pad(address.toLowerCase() as Address);
const transfer = (token: Address, from: Address, to: Address, amount: bigint): LogLike => ({ address: token, topics: [transferTopic, topic(from), topic(to)], data: word(amount) });
const deposit = (dst: Address, amount: bigint): LogLike => ({ address: weth, topics: [depositTopic, topic(dst)], data: word(amount) });
const withdrawal = (src: Address, amount: bigint): LogLike => ({ address: weth, topics: [withdrawalTopic, topic(src)], data: word(amount) });
const builderPaid = (emitter: Address, amount: bigint): LogLike => ({ address: emitter, topics: [builderPaidTopic, topic(coinbase)], data: word(amount) });
/** The PoolManager's Swap(id, sender, ...): its data is 6 words we never read. */
const v4Swap = (sender: Address): LogLike => ({
  address: poolManager,
  topics: [v4SwapTopic, `0x${'ab'.repeat(32)}` as Hex, topic(sender)],
  data: `0x${'00'.repeat(32 * 6)}` as Hex,
});

const gasUsed = 300_000n;
const effectiveGasPrice = 2_000_000_000n;
const gasPaid = 600_000_000_000_000n;
const account = (logs: LogLike[], startToken: Address = weth) =>
  accountExecution({ executor, startToken, weth, status: 'success', gasUsed, effectiveGasPrice, logs });

const amountIn = 4_902_900_000_000_000_000n;
const payment = 7_300_000_000_000_000n;

describe('accountExecution with native-ETH V4 hops', () => {
  it('native ETH out at the end (wrapped), paying the builder: the Deposit is the cycle\'s return, BuilderPaid the payment', () => {
    // WETH -> USDC (V3) -> DAI (V4) -> ETH (V4, taken and wrapped); the demo run's shape.
    const ethOut = amountIn + 29_200_000_000_000_000n;
    const logs = [
      transfer(weth, executor, v3Pool, amountIn),
      transfer(usdc, v3Pool, executor, 15_000_000_000n),
      transfer(usdc, executor, poolManager, 15_000_000_000n),
      v4Swap(executor),
      v4Swap(executor),
      deposit(executor, ethOut),
      withdrawal(executor, payment),
      builderPaid(executor, payment),
    ];
    expect(account(logs)).toEqual({ gross: 29_200_000_000_000_000n, builderPayment: payment, gasPaid, net: 29_200_000_000_000_000n - payment - gasPaid });
  });

  it('native ETH in at the start (unwrapped into the PoolManager), paying the builder: that unwrap is not a payment', () => {
    // WETH (unwrapped) -> ETH/USDC (V4) -> USDC -> WETH (V2).
    const back = amountIn + 11_000_000_000_000_000n;
    const logs = [
      withdrawal(executor, amountIn),
      v4Swap(executor),
      transfer(usdc, poolManager, v2Pair, 15_000_000_000n),
      transfer(weth, v2Pair, executor, back),
      withdrawal(executor, payment),
      builderPaid(executor, payment),
    ];
    expect(account(logs)).toEqual({ gross: 11_000_000_000_000_000n, builderPayment: payment, gasPaid, net: 11_000_000_000_000_000n - payment - gasPaid });
  });

  it('native ETH in and out in the same cycle, paying the builder', () => {
    // WETH (unwrapped) -> ETH/USDC (V4) -> USDC -> DAI (V2) -> ETH/DAI (V4, wrapped).
    const ethOut = amountIn + 5_000_000_000_000_000n;
    const logs = [
      withdrawal(executor, amountIn),
      v4Swap(executor),
      transfer(usdc, poolManager, v2Pair, 15_000_000_000n),
      transfer(dai, v2Pair, executor, 15_000_000_000_000_000_000_000n),
      transfer(dai, executor, poolManager, 15_000_000_000_000_000_000_000n),
      v4Swap(executor),
      deposit(executor, ethOut),
      withdrawal(executor, 2_000_000_000_000_000n),
      builderPaid(executor, 2_000_000_000_000_000n),
    ];
    expect(account(logs)).toEqual({ gross: 5_000_000_000_000_000n, builderPayment: 2_000_000_000_000_000n, gasPaid, net: 3_000_000_000_000_000n - gasPaid });
  });

  it('native ETH in with a builder payment of 0 (no BuilderPaid): the unwrap is the hop\'s input, the payment 0', () => {
    const back = amountIn + 11_000_000_000_000_000n;
    const logs = [withdrawal(executor, amountIn), v4Swap(executor), transfer(usdc, poolManager, v2Pair, 15_000_000_000n), transfer(weth, v2Pair, executor, back)];
    expect(account(logs)).toEqual({ gross: 11_000_000_000_000_000n, builderPayment: 0n, gasPaid, net: 11_000_000_000_000_000n - gasPaid });
  });

  it('native ETH out with a builder payment of 0', () => {
    const ethOut = amountIn + 29_200_000_000_000_000n;
    const logs = [transfer(weth, executor, v3Pool, amountIn), v4Swap(executor), deposit(executor, ethOut)];
    expect(account(logs)).toEqual({ gross: 29_200_000_000_000_000n, builderPayment: 0n, gasPaid, net: 29_200_000_000_000_000n - gasPaid });
  });

  it('accounts an old executor\'s receipt (no BuilderPaid, no Deposit, no V4 swap) as before: its Withdrawal is the payment', () => {
    const back = amountIn + 9_000_000_000_000_000n;
    const logs = [transfer(weth, executor, v3Pool, amountIn), transfer(usdc, v3Pool, v2Pair, 15_000_000_000n), transfer(weth, v2Pair, executor, back), withdrawal(executor, payment)];
    expect(account(logs)).toEqual({ gross: 9_000_000_000_000_000n, builderPayment: payment, gasPaid, net: 9_000_000_000_000_000n - payment - gasPaid });
  });

  it('ignores a BuilderPaid look-alike emitted by another contract (a token in the cycle)', () => {
    const ethOut = amountIn + 29_200_000_000_000_000n;
    const logs = [
      transfer(weth, executor, v3Pool, amountIn),
      builderPaid(rogue, 10n ** 18n),
      v4Swap(executor),
      deposit(executor, ethOut),
      withdrawal(executor, payment),
      builderPaid(executor, payment),
    ];
    expect(account(logs)).toEqual({ gross: 29_200_000_000_000_000n, builderPayment: payment, gasPaid, net: 29_200_000_000_000_000n - payment - gasPaid });
  });

  it('ignores deposits and withdrawals of others and a V4 swap by someone else', () => {
    const back = amountIn + 9_000_000_000_000_000n;
    const logs = [
      transfer(weth, executor, v3Pool, amountIn),
      deposit(rogue, 10n ** 18n),
      withdrawal(rogue, 10n ** 18n),
      v4Swap(rogue),
      transfer(weth, v2Pair, executor, back),
      withdrawal(executor, payment),
    ];
    // No marker of the executor's own: the legacy rule, its one Withdrawal paid the builder.
    expect(account(logs)).toEqual({ gross: 9_000_000_000_000_000n, builderPayment: payment, gasPaid, net: 9_000_000_000_000_000n - payment - gasPaid });
  });

  it('a cycle starting in USDC through native ETH: the wrap and unwrap are intermediate, not gains', () => {
    // USDC -> ETH (V4, wrapped) -> WETH transferred on to a V2 pair -> USDC back.
    const logs = [
      transfer(usdc, executor, poolManager, 10_000_000_000n),
      v4Swap(executor),
      deposit(executor, 3n * 10n ** 18n),
      transfer(weth, executor, v2Pair, 3n * 10n ** 18n),
      transfer(usdc, v2Pair, executor, 10_004_000_000n),
    ];
    expect(account(logs, usdc)).toEqual({ gross: 4_000_000n, builderPayment: 0n, gasPaid, net: 4_000_000n - gasPaid });
  });

  it('refuses a receipt whose BuilderPaid exceeds what the executor unwrapped', () => {
    const logs = [transfer(weth, v2Pair, executor, 10n ** 18n), withdrawal(executor, 1n), builderPaid(executor, 2n)];
    expect(() => account(logs)).toThrow(AccountingError);
  });
});
