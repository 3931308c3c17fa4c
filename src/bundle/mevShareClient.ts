import { numberToHex, type Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { JsonRpcBuilderClient } from './builderClient.ts';
import { BuilderError, clip, type BuilderClient, type BundleRequest } from './types.ts';

export type MevShareClientParameters = { name: string; url: string; authSigner: LocalAccount };

const hashPattern = /^0x[0-9a-fA-F]{64}$/;

/**
 * The `mev_sendBundle` body (spec v0.1) for a backrun: the target by hash, then our one transaction, valid in
 * one block. Refunds are the user's to set: a backrun bundle states none (the relay refuses one that does).
 */
export function mevShareBackrunParams(bundle: BundleRequest): Record<string, unknown> {
  const [target, backrun, ...rest] = bundle.txs;
  if (!target || !hashPattern.test(target) || !backrun || hashPattern.test(backrun) || rest.length > 0) {
    throw new TypeError('a MEV-Share backrun is [targetHash, signedBackrun]');
  }
  const block = numberToHex(bundle.blockNumber);
  return { version: 'v0.1', inclusion: { block, maxBlock: block }, body: [{ hash: target }, { tx: backrun, canRevert: false }] };
}

/**
 * MEV-Share's searcher endpoint as a bundle destination: the same signed transport as a builder
 * (X-Flashbots-Signature), the `mev_sendBundle` dialect. MEV-Share has no cancel: a bundle lives one block
 * (inclusion.maxBlock = block), so a withdrawal is a no-op that says so in the log of whoever asked.
 */
export class MevShareClient implements BuilderClient {
  readonly name: string;
  private readonly transport: JsonRpcBuilderClient;

  constructor(parameters: MevShareClientParameters) {
    this.name = parameters.name;
    this.transport = new JsonRpcBuilderClient({ name: parameters.name, url: parameters.url, authSigner: parameters.authSigner });
  }

  async sendBundle(bundle: BundleRequest, signal: AbortSignal, onWritten?: (at: number) => void): Promise<{ bundleHash: Hex }> {
    let params: Record<string, unknown>;
    try {
      params = mevShareBackrunParams(bundle);
    } catch (cause) {
      throw new BuilderError({ builder: this.name, kind: 'rpc', message: `mev_sendBundle: not sent: ${(cause as Error).message}` }, { cause });
    }
    const result = await this.transport.request('mev_sendBundle', [params], signal, onWritten);
    const bundleHash = (result as { bundleHash?: unknown } | null)?.bundleHash;
    if (typeof bundleHash !== 'string' || !hashPattern.test(bundleHash)) {
      throw new BuilderError({ builder: this.name, kind: 'malformed', message: `mev_sendBundle answered without a bundle hash: ${clip(JSON.stringify(result) ?? 'undefined')}` });
    }
    return { bundleHash: bundleHash as Hex };
  }

  /** Nothing to withdraw at MEV-Share: the bundle expires after its one block. */
  async cancelBundle(): Promise<void> {}

  close(): void {
    this.transport.close();
  }
}
