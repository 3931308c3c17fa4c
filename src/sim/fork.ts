import { createTestClient, http, numberToHex, publicActions, type Address, type Hex } from 'viem';
import { startAnvil, type Anvil } from '../chain/anvil.ts';
import { nextBaseFee } from '../chain/baseFee.ts';
import { startRpcForwarder, type RpcForwarder } from '../chain/rpcForwarder.ts';
import { accountExecution } from '../chain/executionAccount.ts';
import type { BundleSimulation, BundleSimulator, SimulateBundleParameters, SimulateLogsParameters, SimulatedTx } from './bundle.ts';
import { SimulateV1Simulator, SimulationError } from './simulateV1.ts';

export type ForkSimulatorParameters = {
  upstreamRpcUrl: string;
  blockNumber: bigint;
  chainId: number;
  /**
   * 'simulate' (default): eth_simulateV1 on the fork with validation on (nonces, balances, fees checked as a
   * block would), one round trip. 'mine': send the signed transactions, mine them in one block, read and
   * revert: every check a real block makes, signatures included, at four round trips.
   */
  mode?: 'simulate' | 'mine';
};

/**
 * Bundle simulation on a fork the bot manages: anvil `--fork-url` at the node, moved to each new block with
 * `anvil_reset`, so simulation load never lands on the node. anvil reaches the node through a relay inside
 * this process (chain/rpcForwarder.ts): the node URL's credentials never appear on anvil's command line (any
 * local user reads it) nor in what anvil reports on its port (`anvil_nodeInfo` returns the fork URL). In 'mine' mode the bundle's signed
 * transactions are sent as they are (signatures, nonces and fees checked like on the real chain), mined in
 * one block in submission order, read back, and reverted; in 'simulate' mode the fork runs eth_simulateV1
 * with validation.
 */
export class ForkSimulator implements BundleSimulator {
  readonly name = 'anvil-fork';
  /** anvil mines (or validates) the bundle's transactions as the chain would: signed bytes, real nonces and fees. */
  readonly runsSignedTransactions = true;
  private queue: Promise<unknown> = Promise.resolve();

  private readonly simulateV1: SimulateV1Simulator;
  /**
   * The base fee of the block after the fork block, as the chain will charge it. anvil does not keep it: an
   * `anvil_reset` leaves the value it had before, and an `evm_revert` keeps the one the reverted block left
   * (each mined-and-reverted simulation lowered it by 1/8), so it is set again after each move and before
   * each mined simulation.
   */
  private nextBaseFeePerGas = 0n;

  private constructor(
    private readonly anvil: Anvil,
    private readonly client: ReturnType<typeof forkClient>,
    private readonly forwarder: RpcForwarder,
    public forkBlock: bigint,
    private readonly mode: 'simulate' | 'mine',
  ) {
    this.simulateV1 = new SimulateV1Simulator(client as never, true);
  }

  static async start(parameters: ForkSimulatorParameters): Promise<ForkSimulator> {
    const forwarder = await startRpcForwarder(parameters.upstreamRpcUrl);
    let anvil: Anvil;
    try {
      // `--fork-url` rather than an `anvil_reset` after start: anvil then takes the next block's base fee from
      // the fork block itself (a reset of an unforked anvil takes it from the node's latest block).
      anvil = await startAnvil({
        port: 0,
        chainId: parameters.chainId,
        accounts: 1,
        extraArgs: ['--fork-url', forwarder.url, '--fork-block-number', String(parameters.blockNumber), '--no-mining', '--order', 'fifo'],
      });
    } catch (error) {
      await forwarder.stop();
      throw error;
    }
    const simulator = new ForkSimulator(anvil, forkClient(anvil.rpcUrl), forwarder, parameters.blockNumber, parameters.mode ?? 'simulate');
    try {
      await simulator.pinBaseFee(undefined);
    } catch (error) {
      await simulator.stop();
      throw error;
    }
    return simulator;
  }

  /** Each new head re-forks at it (`moveTo`). */
  onHead(number: bigint, nextBaseFeePerGas: bigint): Promise<void> {
    return this.moveTo(number, nextBaseFeePerGas);
  }

  /** The fork's own RPC endpoint (127.0.0.1). */
  get rpcUrl(): string {
    return this.anvil.rpcUrl;
  }

  /**
   * Re-forks at a newer block of the node (each new head). `nextBaseFeePerGas`: the base fee of the block after
   * it, when the caller already has it from that block's header (saves reading the header back from the fork).
   */
  moveTo(blockNumber: bigint, nextBaseFeePerGas?: bigint): Promise<void> {
    return this.serial(async () => {
      await this.client.request({ method: 'anvil_reset' as never, params: [{ forking: { jsonRpcUrl: this.forwarder.url, blockNumber: Number(blockNumber) } }] as never });
      this.forkBlock = blockNumber;
      await this.pinBaseFee(nextBaseFeePerGas);
    });
  }

  /** Sets the fork's next base fee to the one the chain gives the block after the fork block (EIP-1559 from its header when not given). */
  private async pinBaseFee(known: bigint | undefined): Promise<void> {
    let fee = known;
    if (fee === undefined) {
      const block = await this.client.getBlock({ blockNumber: this.forkBlock });
      fee = nextBaseFee(block.baseFeePerGas ?? 0n, block.gasUsed, block.gasLimit);
    }
    this.nextBaseFeePerGas = fee;
    await this.setBaseFee();
  }

  private setBaseFee(): Promise<unknown> {
    return this.client.request({ method: 'anvil_setNextBlockBaseFeePerGas' as never, params: [numberToHex(this.nextBaseFeePerGas)] as never });
  }

  simulate(parameters: SimulateBundleParameters): Promise<BundleSimulation> {
    return this.serial(() => this.run(parameters));
  }

  /** Logs by eth_simulateV1 on the fork ('simulate' mode only: 'mine' mode's blocks are not read for logs). */
  simulateLogs(parameters: SimulateLogsParameters): Promise<SimulatedTx[]> {
    return this.serial(async () => {
      if (this.mode !== 'simulate') throw new SimulationError('SIMULATION', "the fork backend in 'mine' mode does not simulate for logs");
      if (parameters.targetBlock !== this.forkBlock + 1n) {
        throw new SimulationError('SIMULATION', `the fork is at block ${this.forkBlock}; it can only simulate block ${this.forkBlock + 1n}, not ${parameters.targetBlock}`);
      }
      return this.simulateV1.simulateLogs({ ...parameters, baseFeePerGas: parameters.baseFeePerGas ?? this.nextBaseFeePerGas });
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }

  private async run(parameters: SimulateBundleParameters): Promise<BundleSimulation> {
    const { txs, executor, startToken, targetBlock } = parameters;
    if (targetBlock !== this.forkBlock + 1n) {
      throw new SimulationError('SIMULATION', `the fork is at block ${this.forkBlock}; it can only simulate block ${this.forkBlock + 1n}, not ${targetBlock}`);
    }
    if (this.mode === 'simulate') return this.simulateV1.simulate({ ...parameters, baseFeePerGas: parameters.baseFeePerGas ?? this.nextBaseFeePerGas });
    // One batched round trip: the snapshot, and the base fee again (a revert of the previous run left it lower).
    const [snapshot] = await Promise.all([this.client.snapshot(), this.setBaseFee()]);
    try {
      const hashes: Hex[] = [];
      for (const tx of [...(parameters.prefix ?? []), ...txs]) {
        if (!tx.raw) throw new SimulationError('SIMULATION', 'the fork backend simulates signed transactions only');
        hashes.push(await this.client.sendRawTransaction({ serializedTransaction: tx.raw }));
      }
      // The target block's own timestamp when known: pools that accrue oracles per block spend gas by it.
      if (parameters.timestamp !== undefined) await this.client.setNextBlockTimestamp({ timestamp: parameters.timestamp });
      await this.client.mine({ blocks: 1 });
      const receipts = (await Promise.all(hashes.map((hash) => this.client.getTransactionReceipt({ hash })))).slice(-txs.length);
      const ours = receipts[receipts.length - 1]!;
      // The executor's start-token change in our transaction alone, from its receipt (the block also holds the
      // prefix): transfers in and out, WETH wrapped and unwrapped by native-ETH V4 hops, less the builder payment.
      const account = accountExecution({ executor, startToken, status: ours.status, gasUsed: ours.gasUsed, effectiveGasPrice: ours.effectiveGasPrice, logs: ours.logs });
      return {
        ok: ours.status === 'success',
        victimsOk: receipts.slice(0, -1).every((receipt) => receipt.status === 'success'),
        victimsGasUsed: receipts.slice(0, -1).map((receipt) => receipt.gasUsed),
        gain: account.gross - account.builderPayment,
        gasUsed: ours.gasUsed,
        ...(ours.status === 'success' ? {} : { revertReason: 'reverted on the fork' }),
      };
    } finally {
      await this.client.revert({ id: snapshot });
      // The revert keeps the base fee the reverted block left: the fork's next block (what `rpcUrl` and `call`
      // serve between simulations) gets the chain's again.
      await this.setBaseFee();
    }
  }

  /** An eth_call of the same executor call on the fork (the benchmark's baseline). */
  async call(from: Address, to: Address, data: Hex): Promise<Hex | undefined> {
    return (await this.client.call({ account: from, to, data })).data;
  }

  async stop(): Promise<void> {
    await this.anvil.stop();
    await this.forwarder.stop();
  }
}

function forkClient(rpcUrl: string) {
  // `batch`: requests made together (the snapshot and the base fee; the receipts) go as one JSON-RPC batch.
  return createTestClient({ mode: 'anvil', transport: http(rpcUrl, { batch: true }), pollingInterval: 25 }).extend(publicActions);
}
