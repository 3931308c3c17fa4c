import { numberToHex, type Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { acceptedFields, type BundleField } from './builders.ts';
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
  /** The optional eth_sendBundle fields this builder takes (its dialect); others are left out. Absent: all we have. */
  fields?: readonly BundleField[];
};

/** A bundle hash or an error page fits many times over; a builder sending more is broken or hostile. */
export const defaultMaxResponseBytes = 2 * 1024 * 1024;

const bundleHashPattern = /^0x[0-9a-fA-F]{64}$/;

/**
 * The `eth_sendBundle` parameter object, fields in the order the Flashbots library writes them, undefined ones left
 * out, and with `fields` (a builder's dialect) only the optional fields that builder takes: a builder may refuse a
 * bundle for a field it does not know.
 */
export function sendBundleParams(bundle: BundleRequest, fields?: readonly BundleField[]): Record<string, unknown> {
  const optional = { minTimestamp: bundle.minTimestamp, maxTimestamp: bundle.maxTimestamp, revertingTxHashes: bundle.revertingTxHashes, replacementUuid: bundle.replacementUuid };
  return { txs: bundle.txs, blockNumber: numberToHex(bundle.blockNumber), ...acceptedFields(optional, fields ?? bundleRequestFields) };
}

/** Every optional field a BundleRequest can carry (all of them go to a builder without a dialect). */
export const bundleRequestFields: readonly BundleField[] = ['minTimestamp', 'maxTimestamp', 'revertingTxHashes', 'replacementUuid'];

/**
 * A bundle the bot may have to withdraw (it carries a replacementUuid: an optimistic send, a halt) cannot go to a
 * builder that takes none: dropping the field would leave a bundle nobody can cancel, so it is refused unsent.
 */
export function unwithdrawable(builder: string, bundle: BundleRequest, fields: readonly BundleField[] | undefined): BuilderError | undefined {
  if (bundle.replacementUuid === undefined || fields === undefined || fields.includes('replacementUuid')) return undefined;
  return new BuilderError({ builder, kind: 'malformed', message: 'eth_sendBundle: refused before sending: the bundle carries a replacementUuid to withdraw it by, and this builder\'s dialect takes none' });
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
  private readonly fields: readonly BundleField[] | undefined;
  private nextId = 1;

  constructor(parameters: JsonRpcBuilderClientParameters) {
    this.name = parameters.name;
    this.authSigner = parameters.authSigner;
    this.poster = new HttpPoster(parameters.url, { warmConnections: parameters.warmConnections ?? 0 });
    this.maxResponseBytes = parameters.maxResponseBytes ?? defaultMaxResponseBytes;
    this.fields = parameters.fields;
  }

  async sendBundle(bundle: BundleRequest, signal: AbortSignal, onWritten?: (at: number) => void): Promise<{ bundleHash: Hex }> {
    const refused = unwithdrawable(this.name, bundle, this.fields);
    if (refused) throw refused;
    const result = await this.request('eth_sendBundle', [sendBundleParams(bundle, this.fields)], signal, onWritten);
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
