import { encodeDeployData, type Abi, type Address, type Hex } from 'viem';
import { SearcherError } from '../errors.ts';
import type { Artifact } from './artifacts.ts';
import { sendAndConfirm, type DevnetClient } from './client.ts';

export class PlacementError extends SearcherError {}

type PrestateDiff = { post: Record<string, { storage?: Record<Hex, Hex> }> };

/** Replaces every occurrence of a 20-byte address (at byte alignment) in a hex string. */
function replaceAddress(hex: Hex, from: Address, to: Address): Hex {
  const needle = from.slice(2).toLowerCase();
  const replacement = to.slice(2).toLowerCase();
  let out = hex.toLowerCase();
  let index = out.indexOf(needle, 2);
  while (index !== -1) {
    if (index % 2 === 0) out = out.slice(0, index) + replacement + out.slice(index + needle.length);
    index = out.indexOf(needle, index + 1);
  }
  return out as Hex;
}

export type PlaceParameters = {
  deployer: Address;
  artifact: Artifact;
  args?: readonly unknown[];
  /** Where the contract must live (a mainnet address). */
  target: Address;
  label: string;
};

/**
 * Puts a contract at a fixed address with its constructor's effects intact: deploy it normally, read the
 * storage the constructor wrote (prestate tracer, diff mode), then copy code and storage to the target.
 * Immutables that hold the contract's own address (V3's NoDelegateCall `original`) are rewritten to the
 * target, so code that checks `address(this)` keeps working. The temporary copy is erased.
 */
export async function placeContract(client: DevnetClient, parameters: PlaceParameters): Promise<void> {
  const { deployer, artifact, target, label } = parameters;
  const data = encodeDeployData({ abi: artifact.abi as Abi, bytecode: artifact.bytecode, args: parameters.args ?? [] });
  const receipt = await sendAndConfirm(client, { from: deployer, data, label: `deploy ${label}` });
  const temporary = receipt.contractAddress;
  if (!temporary) throw new PlacementError('PLACEMENT', `deploy ${label}: no contract address in the receipt`);

  const [code, diff] = await Promise.all([
    client.getCode({ address: temporary }),
    client.request({
      method: 'debug_traceTransaction' as never,
      params: [receipt.transactionHash, { tracer: 'prestateTracer', tracerConfig: { diffMode: true } }] as never,
    }) as Promise<PrestateDiff>,
  ]);
  if (!code || code === '0x') throw new PlacementError('PLACEMENT', `deploy ${label}: no runtime code`);
  const storage = diff.post[temporary.toLowerCase()]?.storage ?? {};

  await client.setCode({ address: target, bytecode: replaceAddress(code, temporary, target) });
  await Promise.all(
    Object.entries(storage).map(([slot, value]) =>
      client.setStorageAt({ address: target, index: slot as Hex, value: replaceAddress(value, temporary, target) }),
    ),
  );
  await client.setCode({ address: temporary, bytecode: '0x' });
}
