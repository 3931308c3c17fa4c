import type { Hex } from 'viem';
import { SearcherError } from '../errors.ts';
import { redactText } from '../redact.ts';

/** One bundle for one target block, as every builder's `eth_sendBundle` takes it. */
export type BundleRequest = {
  /** Signed raw transactions, in execution order. */
  txs: Hex[];
  /** The only block the bundle may land in. */
  blockNumber: bigint;
  /** Unix seconds. */
  minTimestamp?: number;
  maxTimestamp?: number;
  /** Hashes of the transactions allowed to revert without dropping the bundle. */
  revertingTxHashes?: Hex[];
  /** A UUID that lets a later bundle replace this one, or `eth_cancelBundle` withdraw it. */
  replacementUuid?: string;
};

/**
 * The risk layer's answer for one target block, asked right before each network write that sends a bundle
 * (the first request, every retry, every re-send). Required wherever bundles are sent: there is no default.
 */
export type SendPermit = (targetBlock: bigint) => { ok: true } | { ok: false; reason: string };

/** A builder endpoint that takes bundles. Implementations never retry: the fan-out decides that. */
export interface BuilderClient {
  readonly name: string;
  /** `onWritten` gets performance.now() when the request's bytes were written to the socket (where the client can tell). */
  sendBundle(bundle: BundleRequest, signal: AbortSignal, onWritten?: (at: number) => void): Promise<{ bundleHash: Hex }>;
  cancelBundle(replacementUuid: string, signal: AbortSignal): Promise<void>;
  /** Releases connections and timers (shutdown). */
  close?(): void;
}

/**
 * How a builder call failed. `timeout` and `network` are lost responses (the builder may or may not have the
 * bundle); the others are answers.
 */
export type BuilderErrorKind = 'timeout' | 'network' | 'http' | 'rate-limited' | 'malformed' | 'rpc';

export const builderErrorKinds: readonly BuilderErrorKind[] = ['timeout', 'network', 'http', 'rate-limited', 'malformed', 'rpc'];

/** The longest builder text we copy into a message: builders sometimes answer with whole HTML pages. */
const maxDetail = 200;

/** Shortens text a builder sent us so it fits in a log line. */
export function clip(text: string, max = maxDetail): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}… (${flat.length} chars)` : flat;
}

/** A builder call that failed, classified so the caller can decide whether to retry. Never carries a key. */
export class BuilderError extends SearcherError {
  readonly builder: string;
  readonly kind: BuilderErrorKind;
  /** The HTTP status, when the builder answered with one. */
  readonly status?: number;
  /** The JSON-RPC error code, for `rpc` errors. */
  readonly rpcCode?: number;

  constructor(
    parameters: { builder: string; kind: BuilderErrorKind; message: string; status?: number; rpcCode?: number },
    options?: { cause?: unknown },
  ) {
    // A library's message may quote the builder's URL (ethers puts `requestUrl` in it): never its API key.
    super(`BUILDER_${parameters.kind.toUpperCase().replace('-', '_')}`, redactText(`${parameters.builder}: ${parameters.message}`), options);
    this.builder = parameters.builder;
    this.kind = parameters.kind;
    if (parameters.status !== undefined) this.status = parameters.status;
    if (parameters.rpcCode !== undefined) this.rpcCode = parameters.rpcCode;
  }

  /** A lost response: the request may or may not have reached the builder, so sending again is worth it. */
  get lostResponse(): boolean {
    return this.kind === 'timeout' || this.kind === 'network';
  }
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNABORTED']);

/** The system error code somewhere in a cause chain (fetch wraps them: TypeError('fetch failed').cause.code). */
export function networkErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && networkCodes.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
