import type { Hex } from 'viem';
import { startAnvil, type Anvil } from '../../chain/anvil.ts';
import { rpc, rpcBatch, TruthError } from './rpc.ts';

export type ReplayTx = { hash: Hex };
export type ReplayBlock = { number: bigint; timestamp: bigint; baseFeePerGas: bigint; gasLimit: bigint; miner: Hex; transactions: readonly ReplayTx[] };

type RpcReceipt = { transactionHash: Hex; status: Hex; logs: Array<{ address: string; topics: string[]; data: string }> };

const hex = (value: bigint) => `0x${value.toString(16)}`;

/** What a transaction did, to compare a replay with the original: its status and every log, in order. */
function effects(receipt: RpcReceipt): string {
  return JSON.stringify([receipt.status, receipt.logs.map((log) => [log.address.toLowerCase(), log.topics.map((topic) => topic.toLowerCase()), log.data.toLowerCase()])]);
}

/**
 * A separate anvil forked from the devnet, where the state right after any transaction of a past block can be
 * rebuilt: fork at the block's parent, send the block's own signed transactions up to and including that one
 * (the same raw bytes, so the same senders, nonces, gas and fees), mine them as one block with the original's
 * base fee, timestamp and coinbase, and check that every replayed transaction did exactly what it did on the
 * devnet (same status, same logs). A replay that differs throws: the truth never grades against a guessed state.
 */
export class TruthFork {
  private forkedAt: bigint | undefined;
  private snapshot: Hex | undefined;
  private readonly raws = new Map<string, Hex>();
  private readonly receipts = new Map<string, RpcReceipt>();

  private constructor(
    private readonly anvil: Anvil,
    private readonly devnetUrl: string,
  ) {}

  static async start(input: { devnetUrl: string; chainId: number; atBlock: bigint }): Promise<TruthFork> {
    const anvil = await startAnvil({
      port: 0,
      chainId: input.chainId,
      accounts: 1,
      extraArgs: ['--fork-url', input.devnetUrl, '--fork-block-number', String(input.atBlock), '--no-mining', '--order', 'fifo'],
    });
    return new TruthFork(anvil, input.devnetUrl);
  }

  get url(): string {
    return this.anvil.rpcUrl;
  }

  stop(): Promise<void> {
    return this.anvil.stop();
  }

  /** The devnet's own receipts of a block's transactions (what a replay must reproduce). */
  private async originals(block: ReplayBlock): Promise<void> {
    const missing = block.transactions.filter((tx) => !this.raws.has(tx.hash));
    if (missing.length === 0) return;
    const answers = await rpcBatch(this.devnetUrl, [
      ...missing.map((tx) => ({ method: 'eth_getRawTransactionByHash', params: [tx.hash] })),
      ...missing.map((tx) => ({ method: 'eth_getTransactionReceipt', params: [tx.hash] })),
    ]);
    missing.forEach((tx, i) => {
      const raw = answers[i]!;
      const receipt = answers[missing.length + i]!;
      if ('error' in raw || !raw.result) throw new TruthError('TRUTH_REPLAY', `the devnet has no raw bytes for ${tx.hash}`);
      if ('error' in receipt || !receipt.result) throw new TruthError('TRUTH_REPLAY', `the devnet has no receipt for ${tx.hash}`);
      this.raws.set(tx.hash, raw.result as Hex);
      this.receipts.set(tx.hash, receipt.result as RpcReceipt);
    });
  }

  /** The fork's head becomes `block` with only its first `count` transactions, verified against the devnet. */
  async replay(block: ReplayBlock, count: number): Promise<void> {
    const url = this.url;
    await this.originals(block);
    if (this.forkedAt !== block.number - 1n) {
      await rpc(url, 'anvil_reset', [{ forking: { jsonRpcUrl: this.devnetUrl, blockNumber: Number(block.number - 1n) } }]);
      await rpc(url, 'evm_setAutomine', [false]);
      this.forkedAt = block.number - 1n;
    } else if (this.snapshot) {
      if (!(await rpc<boolean>(url, 'evm_revert', [this.snapshot]))) throw new TruthError('TRUTH_REPLAY', `the fork could not return to block ${block.number - 1n}`);
    }
    this.snapshot = await rpc<Hex>(url, 'evm_snapshot');
    const txs = block.transactions.slice(0, count);
    await rpc(url, 'anvil_setBlockGasLimit', [hex(block.gasLimit)]);
    await rpc(url, 'anvil_setNextBlockBaseFeePerGas', [hex(block.baseFeePerGas)]);
    await rpc(url, 'anvil_setCoinbase', [block.miner]);
    // One by one, in block order: the fork's pool is first-in first-out, and a batch's items may arrive in any order.
    for (const tx of txs) {
      const [answer] = await rpcBatch(url, [{ method: 'eth_sendRawTransaction', params: [this.raws.get(tx.hash)] }]);
      if (answer && 'error' in answer) throw new TruthError('TRUTH_REPLAY', `the fork refused ${tx.hash} of block ${block.number}: ${answer.error.message}`);
    }
    await rpc(url, 'evm_setNextBlockTimestamp', [hex(block.timestamp)]);
    await rpc(url, 'evm_mine');
    const mined = await rpc<{ number: Hex; transactions: Hex[] }>(url, 'eth_getBlockByNumber', ['latest', false]);
    if (BigInt(mined.number) !== block.number || mined.transactions.length !== count || mined.transactions.some((hash, i) => hash.toLowerCase() !== txs[i]!.hash.toLowerCase())) {
      throw new TruthError('TRUTH_REPLAY', `the fork mined block ${BigInt(mined.number)} with ${mined.transactions.length} transactions, not the first ${count} of block ${block.number} in order`);
    }
    const replayed = await rpcBatch(url, txs.map((tx) => ({ method: 'eth_getTransactionReceipt', params: [tx.hash] })));
    replayed.forEach((answer, i) => {
      const hash = txs[i]!.hash;
      if ('error' in answer || !answer.result) throw new TruthError('TRUTH_REPLAY', `no receipt for the replayed ${hash}`);
      if (effects(answer.result as RpcReceipt) !== effects(this.receipts.get(hash)!)) {
        throw new TruthError('TRUTH_REPLAY', `the replay of ${hash} (block ${block.number}, index ${i}) did not do what it did on the devnet`);
      }
    });
  }

  /** The devnet's receipt of one of the block's transactions (after replay() or originals() read it). */
  receipt(hash: Hex): RpcReceipt | undefined {
    return this.receipts.get(hash);
  }

  async loadBlock(block: ReplayBlock): Promise<void> {
    await this.originals(block);
  }
}
