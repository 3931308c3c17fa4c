import { numberToHex, type Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { flashbotsSignatureHeader, signFlashbotsBody } from './flashbotsAuth.ts';
import { HttpPoster, ResponseTooLarge, type HttpAnswer } from './httpPost.ts';
import { BuilderError, clip, networkErrorCode, type BuilderClient, type BundleRequest } from './types.ts';

export type JsonRpcBuilderClientParameters = {
  name: string;
  url: string;
  /** The searcher's reputation identity at the builder; not the account that holds funds. */
  authSigner: LocalAccount;
  /** A longer answer is refused (malformed) as soon as it is known to be longer, without reading the rest. */
  maxResponseBytes?: number;
  /** Connections kept open and ready for the next bundle (see HttpPoster); 0 opens them on demand. */
  warmConnections?: number;
};

/** A bundle hash or an error page fits many times over; a builder sending more is broken or hostile. */
export const defaultMaxResponseBytes = 2 * 1024 * 1024;

const bundleHashPattern = /^0x[0-9a-fA-F]{64}$/;

/** The `eth_sendBundle` parameter object, fields in the order the Flashbots library writes them, undefined ones left out. */
export function sendBundleParams(bundle: BundleRequest): Record<string, unknown> {
  const params: Record<string, unknown> = { txs: bundle.txs, blockNumber: numberToHex(bundle.blockNumber) };
  if (bundle.minTimestamp !== undefined) params.minTimestamp = bundle.minTimestamp;
  if (bundle.maxTimestamp !== undefined) params.maxTimestamp = bundle.maxTimestamp;
  if (bundle.revertingTxHashes !== undefined) params.revertingTxHashes = bundle.revertingTxHashes;
  if (bundle.replacementUuid !== undefined) params.replacementUuid = bundle.replacementUuid;
  return params;
}

/**
 * A builder's Flashbots-dialect JSON-RPC endpoint over kept-alive HTTP(S): each call is one signed POST, and every
 * way it can fail comes back as a BuilderError of the right kind. No retries here.
 */
export class JsonRpcBuilderClient implements BuilderClient {
  readonly name: string;
  private readonly authSigner: LocalAccount;
  private readonly poster: HttpPoster;
  private readonly maxResponseBytes: number;
  private nextId = 1;

  constructor(parameters: JsonRpcBuilderClientParameters) {
    this.name = parameters.name;
    this.authSigner = parameters.authSigner;
    this.poster = new HttpPoster(parameters.url, { warmConnections: parameters.warmConnections ?? 0 });
    this.maxResponseBytes = parameters.maxResponseBytes ?? defaultMaxResponseBytes;
  }

  async sendBundle(bundle: BundleRequest, signal: AbortSignal, onWritten?: (at: number) => void): Promise<{ bundleHash: Hex }> {
    const result = await this.request('eth_sendBundle', [sendBundleParams(bundle)], signal, onWritten);
    // Most builders answer { bundleHash }; a few answer the bare hash.
    const bundleHash = typeof result === 'string' ? result : (result as { bundleHash?: unknown } | null)?.bundleHash;
    if (typeof bundleHash !== 'string' || !bundleHashPattern.test(bundleHash)) {
      throw new BuilderError({ builder: this.name, kind: 'malformed', message: `eth_sendBundle answered without a bundle hash: ${clip(JSON.stringify(result) ?? 'undefined')}` });
    }
    return { bundleHash: bundleHash as Hex };
  }

  async cancelBundle(replacementUuid: string, signal: AbortSignal): Promise<void> {
    await this.request('eth_cancelBundle', [{ replacementUuid }], signal);
  }

  close(): void {
    this.poster.close();
  }

  /**
   * One signed JSON-RPC call; resolves to `result` (which may be null), throws a BuilderError. Public for the
   * relays' dialects (MEV-Share's `mev_sendBundle`), which share the transport and its failure kinds.
   */
  async request(method: string, params: unknown[], signal: AbortSignal, onWritten?: (at: number) => void): Promise<unknown> {
    // Key order as @flashbots/ethers-provider-bundle writes it, so equal requests are equal bytes.
    const body = JSON.stringify({ method, params, id: this.nextId++, jsonrpc: '2.0' });
    const signature = await signFlashbotsBody(this.authSigner, body);
    const fail = (kind: BuilderError['kind'], message: string, extra: { status?: number; rpcCode?: number; cause?: unknown } = {}) =>
      new BuilderError({ builder: this.name, kind, message: `${method}: ${message}`, ...(extra.status !== undefined ? { status: extra.status } : {}), ...(extra.rpcCode !== undefined ? { rpcCode: extra.rpcCode } : {}) }, { cause: extra.cause });
    const transportFailure = (cause: unknown) =>
      signal.aborted
        ? fail('timeout', 'no answer before the deadline', { cause })
        : fail('network', `connection failed (${networkErrorCode(cause) ?? (cause instanceof Error ? cause.message : 'unknown')})`, { cause });

    let response: HttpAnswer;
    try {
      response = await this.poster.post(body, {
        headers: { 'content-type': 'application/json', [flashbotsSignatureHeader]: signature },
        signal,
        maxResponseBytes: this.maxResponseBytes,
        ...(onWritten ? { onWritten } : {}),
      });
    } catch (cause) {
      if (cause instanceof ResponseTooLarge) throw fail('malformed', cause.message, { status: cause.status, cause });
      throw transportFailure(cause);
    }
    const text = response.text;
    if (response.status === 429) {
      const retryAfter = response.header('retry-after');
      throw fail('rate-limited', `rate limited (HTTP 429${retryAfter ? `, retry after ${clip(retryAfter, 20)}` : ''})`, { status: 429 });
    }
    if (response.status < 200 || response.status > 299) {
      throw fail('http', `HTTP ${response.status}${text ? `: ${clip(text)}` : ''}`, { status: response.status });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw fail('malformed', `the answer is not JSON: ${clip(text) || '(empty)'}`, { status: response.status, cause });
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw fail('malformed', `the answer is not a JSON-RPC object: ${clip(text)}`, { status: response.status });
    }
    const { error } = json as { error?: { code?: unknown; message?: unknown } | null };
    if (error !== undefined && error !== null) {
      const message = typeof error.message === 'string' ? error.message : JSON.stringify(error);
      throw fail('rpc', `refused: ${clip(message)}`, { status: response.status, ...(typeof error.code === 'number' ? { rpcCode: error.code } : {}) });
    }
    if (!('result' in json)) throw fail('malformed', `the answer has neither result nor error: ${clip(text)}`, { status: response.status });
    return (json as { result: unknown }).result;
  }
}
