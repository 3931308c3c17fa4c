import { numberToHex, pad, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { accountExecution, AccountingError, transferTopic, withdrawalTopic, type LogLike } from '../../src/chain/executionAccount.ts';

const weth = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2' as Address;
const usdc = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48' as Address;
const executor = '0x1111111111111111111111111111111111111111' as Address;
const poolA = '0x2222222222222222222222222222222222222222' as Address;
const poolB = '0x3333333333333333333333333333333333333333' as Address;

const word = (value: bigint) => numberToHex(value, { size: 32 });
const transfer = (token: Address, from: Address, to: Address, amount: bigint): LogLike => ({
  address: token,
  topics: [transferTopic, pad(from.toLowerCase() as Address), pad(to.toLowerCase() as Address)],
  data: word(amount),
});
const withdrawal = (src: Address, amount: bigint): LogLike => ({ address: weth, topics: [withdrawalTopic, pad(src.toLowerCase() as Address)], data: word(amount) });

describe('accountExecution (the executor receipt -> realised PnL)', () => {
  it('reads a cycle that pays the builder: gross before the payment, payment from the WETH withdrawal', () => {
    const amountIn = 5n * 10n ** 18n;
    const back = 5n * 10n ** 18n + 7n * 10n ** 15n;
    const payment = 3n * 10n ** 15n;
    const logs = [
      transfer(weth, executor, poolA, amountIn),
      transfer(usdc, poolA, poolB, 17_000_000_000n), // other tokens do not count
      transfer(weth, poolB, executor, back),
      withdrawal(executor, payment),
    ];
    const account = accountExecution({ executor, startToken: weth, status: 'success', gasUsed: 150_000n, effectiveGasPrice: 3_000_000_000n, logs });
    expect(account).toEqual({ gross: back - amountIn, builderPayment: payment, gasPaid: 450_000_000_000_000n, net: back - amountIn - payment - 450_000_000_000_000n });
  });

  it('ignores withdrawals by others, WETH-lookalike logs from other contracts and malformed topics', () => {
    const logs = [
      transfer(weth, poolA, executor, 100n),
      withdrawal(poolA, 50n),
      { ...withdrawal(executor, 40n), address: usdc },
      { ...transfer(weth, poolB, executor, 1000n), topics: [transferTopic, pad(poolB)] }, // ERC-721-like shape: not a token transfer we know
      transfer(weth, executor, executor, 999n),
    ];
    expect(accountExecution({ executor, startToken: weth, status: 'success', gasUsed: 1n, effectiveGasPrice: 1n, logs })).toEqual({ gross: 100n, builderPayment: 0n, gasPaid: 1n, net: 99n });
  });

  it('charges a reverted transaction its gas and nothing else', () => {
    const account = accountExecution({ executor, startToken: weth, status: 'reverted', gasUsed: 60_000n, effectiveGasPrice: 2n * 10n ** 9n, logs: [transfer(weth, poolA, executor, 10n ** 18n)] });
    expect(account).toEqual({ gross: 0n, builderPayment: 0n, gasPaid: 120_000n * 10n ** 9n, net: -(120_000n * 10n ** 9n) });
  });

  it('refuses a log whose amount is not one word', () => {
    const broken = { ...transfer(weth, poolA, executor, 1n), data: '0x01' as const };
    expect(() => accountExecution({ executor, startToken: weth, status: 'success', gasUsed: 1n, effectiveGasPrice: 1n, logs: [broken] })).toThrow(AccountingError);
  });
});
