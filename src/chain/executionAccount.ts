import { getAddress, hexToBigInt, isAddressEqual, keccak256, toBytes, type Address, type Hex } from 'viem';
import { SearcherError } from '../errors.ts';

/**
 * Realised profit of one executor transaction, read from its receipt alone (never from our own predictions).
 *
 * What a successful `Executor.execute` leaves in its receipt: ERC-20 Transfer events of the start token into and
 * out of the executor (pools paying it, it paying pools), and, when it pays the builder, one WETH
 * `Withdrawal(executor, payment)` (it unwraps the payment, then sends the ETH to block.coinbase with a plain call,
 * which logs nothing). So:
 *   gross          = start-token Transfers to the executor - start-token Transfers from it (its gain before
 *                    paying the builder; the withdrawal burns WETH without a Transfer, so it is not in here)
 *   builderPayment = sum of WETH Withdrawal events whose src is the executor (the executor only takes ETH from
 *                    WETH, and only to forward it to the coinbase)
 *   gasPaid        = gasUsed x effectiveGasPrice (base fee burnt + priority fee to the coinbase)
 *   net            = gross - builderPayment - gasPaid
 * A reverted transaction leaves no logs: gross and payment are 0 and the net is the gas it burnt.
 */

export class AccountingError extends SearcherError {}

export type LogLike = { address: Address; topics: readonly Hex[]; data: Hex };

export type ExecutionInput = {
  executor: Address;
  /** The plan's start token: the token the profit is measured in. */
  startToken: Address;
  /** The token whose Withdrawal events pay the builder (default: the start token, which must be WETH to pay). */
  weth?: Address;
  status: 'success' | 'reverted';
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  logs: readonly LogLike[];
};

export type ExecutionAccount = {
  /** Start-token gain before paying the builder, in start-token base units (wei for WETH). */
  gross: bigint;
  /** gasUsed x effectiveGasPrice, in wei. */
  gasPaid: bigint;
  /** ETH the executor sent to block.coinbase, in wei. */
  builderPayment: bigint;
  /** gross - builderPayment - gasPaid (negative when the transaction lost money). */
  net: bigint;
};

export const transferTopic: Hex = keccak256(toBytes('Transfer(address,address,uint256)'));
export const withdrawalTopic: Hex = keccak256(toBytes('Withdrawal(address,uint256)'));

/** The address in an indexed topic (the low 20 bytes of the 32-byte word). */
function topicAddress(topic: Hex): Address {
  return getAddress(`0x${topic.slice(-40)}`);
}

function wordAmount(log: LogLike, what: string): bigint {
  if (!/^0x[0-9a-fA-F]{64}$/.test(log.data)) {
    throw new AccountingError('ACCOUNTING', `${what} log of ${log.address} has ${(log.data.length - 2) / 2} data bytes, expected 32`);
  }
  return hexToBigInt(log.data);
}

/** Pure core: the realised account of one executor transaction from its receipt's status, gas and logs. */
export function accountExecution(input: ExecutionInput): ExecutionAccount {
  const gasPaid = input.gasUsed * input.effectiveGasPrice;
  if (input.status !== 'success') return { gross: 0n, gasPaid, builderPayment: 0n, net: -gasPaid };
  const weth = input.weth ?? input.startToken;
  let gross = 0n;
  let builderPayment = 0n;
  for (const log of input.logs) {
    const topic0 = log.topics[0]?.toLowerCase();
    if (topic0 === transferTopic && log.topics.length === 3 && isAddressEqual(log.address, input.startToken)) {
      const from = topicAddress(log.topics[1]!);
      const to = topicAddress(log.topics[2]!);
      const amount = wordAmount(log, 'Transfer');
      // A transfer to itself moves nothing.
      if (isAddressEqual(to, input.executor) && !isAddressEqual(from, input.executor)) gross += amount;
      if (isAddressEqual(from, input.executor) && !isAddressEqual(to, input.executor)) gross -= amount;
    } else if (topic0 === withdrawalTopic && log.topics.length === 2 && isAddressEqual(log.address, weth)) {
      if (isAddressEqual(topicAddress(log.topics[1]!), input.executor)) builderPayment += wordAmount(log, 'Withdrawal');
    }
  }
  return { gross, gasPaid, builderPayment, net: gross - builderPayment - gasPaid };
}

/** A landed executor transaction and its realised account. */
