import { encodeFunctionData, formatLog, numberToHex, parseAbi, type Hex, type PublicClient, type RpcLog } from 'viem';
import { SearcherError } from '../errors.ts';
import type { BundleTx } from '../bundle/bundleTx.ts';
import type { BundleSimulation, BundleSimulator, SimulateBundleParameters, SimulateLogsParameters, SimulatedTx } from './bundle.ts';

const balanceOfAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);

export class SimulationError extends SearcherError {}

type SimulatedCall = { status: Hex; returnData: Hex; gasUsed: Hex; logs?: RpcLog[]; error?: { message?: string; data?: Hex } };

function call(tx: BundleTx) {
  return {
    from: tx.from,
    to: tx.to ?? undefined,
    data: tx.data,
    value: numberToHex(tx.value),
    gas: numberToHex(tx.gas),
    ...(tx.nonce !== undefined ? { nonce: numberToHex(tx.nonce) } : {}),
    ...(tx.maxFeePerGas !== undefined ? { maxFeePerGas: numberToHex(tx.maxFeePerGas) } : {}),
    ...(tx.maxPriorityFeePerGas !== undefined ? { maxPriorityFeePerGas: numberToHex(tx.maxPriorityFeePerGas) } : {}),
  };
}

/**
 * The prefix and transactions as they are now. Callers may hand over live arrays (the engine's list of our
 * transactions for the block grows when a bundle sent before its simulation has been simulated), and one that grows
 * while the request is in flight must not shift where its answer is read: results are counted and sliced by the
 * request as sent.
 */
function asCalled(parameters: SimulateLogsParameters): { prefix: readonly BundleTx[]; txs: readonly BundleTx[] } {
  return { prefix: [...(parameters.prefix ?? [])], txs: [...parameters.txs] };
}

/**
 * Bundle simulation with the node's own `eth_simulateV1`: one simulated block at the target number with the
 * bundle's transactions in order, between two reads of the executor's start-token balance. No fork to manage;
 * needs a node that implements eth_simulateV1 (geth, reth, anvil).
 */
export class SimulateV1Simulator implements BundleSimulator {
  readonly name = 'eth_simulateV1';
  /** eth_simulateV1 takes the calls as they are: nothing is signed on the hot path. */
  readonly runsSignedTransactions = false;

  /** `validation`: check nonces, balances and fees as block building would (the fork backend turns it on). */
  constructor(
    private readonly client: PublicClient,
    private readonly validation = false,
  ) {}

  /** Each simulation names its block (the node's head): nothing to move. */
  async onHead(): Promise<void> {}

  /** Holds nothing but the caller's client. */
  async stop(): Promise<void> {}

  async simulate(parameters: SimulateBundleParameters): Promise<BundleSimulation> {
    const { executor, startToken } = parameters;
    const { prefix, txs } = asCalled(parameters);
    const balanceCall = { to: startToken, data: encodeFunctionData({ abi: balanceOfAbi, args: [executor] }) };
    const all = await this.run(parameters, [...prefix.map(call), balanceCall, ...txs.map(call), balanceCall]);
    if (all.length !== prefix.length + txs.length + 2) throw new SimulationError('SIMULATION', `eth_simulateV1 returned ${all.length} results for ${prefix.length + txs.length + 2} calls`);
    const calls = all.slice(prefix.length);
    const ours = calls[calls.length - 2]!;
    const before = BigInt(calls[0]!.returnData);
    const after = BigInt(calls[calls.length - 1]!.returnData);
    return {
      ok: ours.status === '0x1',
      victimsOk: calls.slice(1, -2).every((result) => result.status === '0x1'),
      victimsGasUsed: calls.slice(1, -2).map((result) => BigInt(result.gasUsed)),
      gain: after - before,
      gasUsed: BigInt(ours.gasUsed),
      ...(ours.status === '0x1' ? {} : { revertReason: ours.error?.message ?? ours.returnData }),
    };
  }

  async simulateLogs(parameters: SimulateLogsParameters): Promise<SimulatedTx[]> {
    const { prefix, txs } = asCalled(parameters);
    const all = await this.run(parameters, [...prefix.map(call), ...txs.map(call)]);
    if (all.length !== prefix.length + txs.length) throw new SimulationError('SIMULATION', `eth_simulateV1 returned ${all.length} results for ${prefix.length + txs.length} calls`);
    return all.slice(prefix.length).map((result) => ({ ok: result.status === '0x1', logs: (result.logs ?? []).map((log) => formatLog(log)) }));
  }

  /** One simulated block at the target number holding `calls`, on the state after the block before it. */
  private async run(parameters: SimulateLogsParameters, calls: readonly object[]): Promise<SimulatedCall[]> {
    const { targetBlock } = parameters;
    const request = {
      blockStateCalls: [
        {
          blockOverrides: {
            number: numberToHex(targetBlock),
            ...(parameters.timestamp !== undefined ? { time: numberToHex(parameters.timestamp) } : {}),
            ...(parameters.baseFeePerGas !== undefined ? { baseFeePerGas: numberToHex(parameters.baseFeePerGas) } : {}),
          },
          calls,
        },
      ],
      validation: this.validation,
      traceTransfers: false,
    };
    let blocks: Array<{ calls: SimulatedCall[] }>;
    try {
      blocks = await this.client.request({ method: 'eth_simulateV1' as never, params: [request, numberToHex(targetBlock - 1n)] as never });
    } catch (cause) {
      throw new SimulationError('SIMULATION', `eth_simulateV1 failed: ${(cause as Error).message.split('\n')[0]}`, { cause });
    }
    return blocks[0]?.calls ?? [];
  }
}
