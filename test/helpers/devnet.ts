import type { Address, Hex, TransactionReceipt } from 'viem';
import type { HDAccount } from 'viem/accounts';
import { startDevnet, type Devnet, type StartDevnetParameters } from '../../src/devnet/devnet.ts';
import { defaultScenarioPath, loadScenario } from '../../src/devnet/scenario/load.ts';
import type { Scenario } from '../../src/devnet/scenario/schema.ts';
import { createLogger } from '../../src/log.ts';

/**
 * The default scenario with every swap public: what the tests of the public mempool, the state and the risk layer
 * run on (the default sends 70% of its swaps privately; the private-flow tests pass it, or their own mix).
 */
export function publicOnlyDefaultScenario(): Scenario {
  return { ...loadScenario(defaultScenarioPath()), privateFlow: null };
}

/** A devnet on a free port, blocks on demand, traffic off unless asked: tests drive it step by step. */
export function startTestDevnet(overrides: Partial<StartDevnetParameters> = {}): Promise<Devnet> {
  return startDevnet({
    scenario: publicOnlyDefaultScenario(),
    port: 0,
    blockTime: 0,
    traffic: false,
    logger: createLogger('test'),
    ...overrides,
  });
}

/** Signs a transaction with the user's own key, sends it raw, mines one block and returns the receipt. */
export async function sendSignedAndMine(
  devnet: Devnet,
  account: HDAccount,
  call: { to: Address; data: Hex; value?: bigint; gas?: bigint },
): Promise<TransactionReceipt> {
  const { client } = devnet;
  const [nonce, block] = await Promise.all([
    client.getTransactionCount({ address: account.address, blockTag: 'pending' }),
    client.getBlock(),
  ]);
  const raw = await account.signTransaction({
    chainId: devnet.manifest.chainId,
    type: 'eip1559',
    nonce,
    to: call.to,
    data: call.data,
    value: call.value ?? 0n,
    gas: call.gas ?? 1_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
    maxFeePerGas: (block.baseFeePerGas ?? 0n) * 2n + 1_000_000_000n,
  });
  const hash = await client.sendRawTransaction({ serializedTransaction: raw });
  await client.mine({ blocks: 1 });
  return client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
}

/** ETH that calls inside the transaction sent to `to` (not the transaction's own value), from the node's call trace. */
export async function ethSentInside(devnet: Devnet, hash: Hex, to: Address): Promise<bigint> {
  type Frame = { to?: string; value?: Hex; error?: string; calls?: Frame[] };
  const root = (await devnet.client.request({ method: 'debug_traceTransaction' as never, params: [hash, { tracer: 'callTracer' }] as never })) as Frame;
  const walk = (frame: Frame, top: boolean): bigint => {
    if (frame.error) return 0n;
    const own = !top && frame.to?.toLowerCase() === to.toLowerCase() && frame.value ? BigInt(frame.value) : 0n;
    return own + (frame.calls ?? []).reduce((sum, child) => sum + walk(child, false), 0n);
  };
  return walk(root, true);
}
