import { getAddress, hexToBigInt, isAddressEqual, keccak256, toBytes, type Address, type Hex } from 'viem';
import { SearcherError } from '../errors.ts';

/**
 * Realised profit of one executor transaction, read from its receipt alone (never from our own predictions).
 *
 * What a successful `Executor.execute` leaves in its receipt, for the start token and WETH:
 *   - ERC-20 Transfer events of the start token into and out of the executor (pools paying it, it paying pools);
 *   - WETH `Deposit(executor, x)` when a native-ETH V4 hop pays it ETH (it takes the ETH and wraps it);
 *   - WETH `Withdrawal(executor, x)` when it unwraps: to pay a native-ETH V4 hop its input (then `settle{value}`,
 *     which logs nothing), and to pay the builder (then a plain ETH call to block.coinbase, which logs nothing);
 *   - `BuilderPaid(coinbase, amount)` emitted by the executor itself right after it paid the builder (none when the
 *     payment is 0).
 * So, with the start token WETH:
 *   builderPayment = sum of BuilderPaid events emitted by the executor address (a look-alike event from any other
 *                    contract, e.g. a token in the cycle, is ignored)
 *   gross          = start-token Transfers to the executor - start-token Transfers from it
 *                    + WETH Deposits to the executor - (WETH Withdrawals by the executor - builderPayment)
 *                    (its WETH gain before paying the builder: deposits and withdrawals mint and burn without a
 *                    Transfer)
 *   gasPaid        = gasUsed x effectiveGasPrice (base fee burnt + priority fee to the coinbase)
 *   net            = gross - builderPayment - gasPaid (= the executor's WETH balance change - gasPaid)
 * With another start token (no builder payment is possible then: BuilderPaymentNeedsWeth), WETH deposits and
 * withdrawals are intermediate hops of the cycle, not gains: gross is the start-token Transfers alone.
 *
 * Legacy rule: executors deployed before BuilderPaid existed had no native-ETH V4 hops, so every WETH Withdrawal by
 * them was the builder payment. A receipt with no BuilderPaid by the executor, no WETH Deposit to it and no V4
 * PoolManager Swap by it is accounted that way (builderPayment = its WETH Withdrawals, gross = the Transfers). For
 * such a receipt the two rules give the same net; the V4 Swap check keeps a current executor's native-ETH input hop
 * with a payment of 0 (a Withdrawal and nothing else) from being read as a builder payment.
 * A reverted transaction leaves no logs: gross and payment are 0 and the net is the gas it burnt.
 */

export class AccountingError extends SearcherError {}

export type LogLike = { address: Address; topics: readonly Hex[]; data: Hex };

export type ExecutionInput = {
  executor: Address;
  /** The plan's start token: the token the profit is measured in. */
  startToken: Address;
  /** WETH, whose Deposit/Withdrawal events wrap and unwrap ETH (default: the start token, which must be WETH to pay). */
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
export const depositTopic: Hex = keccak256(toBytes('Deposit(address,uint256)'));
/** Executor.sol's `BuilderPaid(address indexed coinbase, uint256 amount)`. */
export const builderPaidTopic: Hex = keccak256(toBytes('BuilderPaid(address,uint256)'));
/** The V4 PoolManager's Swap (PoolId indexed id, address indexed sender, ...): only a V4-capable executor emits it as sender. */
export const v4SwapTopic: Hex = keccak256(toBytes('Swap(bytes32,address,int128,int128,uint160,uint128,int24,uint24)'));

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
  const isExecutor = (topic: Hex) => isAddressEqual(topicAddress(topic), input.executor);
  let transfers = 0n;
  let deposits = 0n;
  let withdrawals = 0n;
  let builderPaid = 0n;
  let sawBuilderPaid = false;
  let sawV4Swap = false;
  for (const log of input.logs) {
    const topic0 = log.topics[0]?.toLowerCase();
    if (topic0 === transferTopic && log.topics.length === 3 && isAddressEqual(log.address, input.startToken)) {
      const fromUs = isExecutor(log.topics[1]!);
      const toUs = isExecutor(log.topics[2]!);
      const amount = wordAmount(log, 'Transfer');
      // A transfer to itself moves nothing.
      if (toUs && !fromUs) transfers += amount;
      if (fromUs && !toUs) transfers -= amount;
    } else if (topic0 === withdrawalTopic && log.topics.length === 2 && isAddressEqual(log.address, weth)) {
      if (isExecutor(log.topics[1]!)) withdrawals += wordAmount(log, 'Withdrawal');
    } else if (topic0 === depositTopic && log.topics.length === 2 && isAddressEqual(log.address, weth)) {
      if (isExecutor(log.topics[1]!)) deposits += wordAmount(log, 'Deposit');
    } else if (topic0 === builderPaidTopic && log.topics.length === 2 && isAddressEqual(log.address, input.executor)) {
      builderPaid += wordAmount(log, 'BuilderPaid');
      sawBuilderPaid = true;
    } else if (topic0 === v4SwapTopic && log.topics.length === 3 && isExecutor(log.topics[2]!)) {
      sawV4Swap = true;
    }
  }
  if (!sawBuilderPaid && deposits === 0n && !sawV4Swap) {
    // Legacy rule (see the top of the file): every WETH Withdrawal by the executor paid the builder.
    return { gross: transfers, gasPaid, builderPayment: withdrawals, net: transfers - withdrawals - gasPaid };
  }
  if (!isAddressEqual(weth, input.startToken)) {
    if (builderPaid !== 0n) throw new AccountingError('ACCOUNTING', `the executor ${input.executor} paid the builder ${builderPaid} wei in a cycle that does not start in WETH`);
    return { gross: transfers, gasPaid, builderPayment: 0n, net: transfers - gasPaid };
  }
  // The executor pays the builder only with WETH it unwrapped in the same call: a payment above its withdrawals
  // means a receipt we do not understand, and money is not guessed.
  if (builderPaid > withdrawals) {
    throw new AccountingError('ACCOUNTING', `the executor ${input.executor} reports paying the builder ${builderPaid} wei but unwrapped only ${withdrawals} wei of WETH`);
  }
  const gross = transfers + deposits - (withdrawals - builderPaid);
  return { gross, gasPaid, builderPayment: builderPaid, net: gross - builderPaid - gasPaid };
}

/** A landed executor transaction and its realised account. */
