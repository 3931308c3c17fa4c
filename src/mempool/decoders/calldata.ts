/**
 * A bounds-checked reader of ABI-encoded calldata, straight from the hex string: no copies to bytes, no
 * generic ABI walk. Every read that would leave the data throws CalldataError, which the decoders turn into
 * "not decodable" at their top level.
 */
export class CalldataError extends Error {}

const MAX_ARRAY = 1024;

export class Calldata {
  /** `hex` without 0x, starting at the first argument word (after the selector). */
  constructor(
    readonly hex: string,
    readonly base = 0,
  ) {}

  static ofInput(input: string): Calldata {
    return new Calldata(input.slice(10).toLowerCase());
  }

  private slice(position: number, chars: number): string {
    const start = this.base + position;
    if (position < 0 || start + chars > this.hex.length) throw new CalldataError('calldata too short');
    return this.hex.slice(start, start + chars);
  }

  /** The word at byte offset `offset` as an unsigned integer. */
  uintAt(offset: number): bigint {
    return BigInt(`0x${this.slice(offset * 2, 64)}`);
  }

  /** Word `index` of the head as an unsigned integer. */
  uint(index: number): bigint {
    return this.uintAt(index * 32);
  }

  /** A small integer word (offsets, lengths, fees); refuses values that cannot be one. */
  smallAt(offset: number): number {
    const word = this.slice(offset * 2, 64);
    for (let i = 0; i < 52; i++) if (word.charCodeAt(i) !== 48) throw new CalldataError('integer out of range');
    return Number.parseInt(word.slice(52), 16);
  }

  /** Word `index` as an address (the upper 12 bytes must be zero). */
  address(index: number): string {
    return this.addressAt(index * 32);
  }

  addressAt(offset: number): string {
    const word = this.slice(offset * 2, 64);
    for (let i = 0; i < 24; i++) if (word.charCodeAt(i) !== 48) throw new CalldataError('not an address');
    return `0x${word.slice(24)}`;
  }

  bool(index: number): boolean {
    const value = this.uint(index);
    if (value > 1n) throw new CalldataError('not a bool');
    return value === 1n;
  }

  /** The dynamic value whose offset sits in word `index`: a reader positioned at its length word. */
  private dynamic(index: number): { at: number; length: number } {
    const at = this.smallAt(index * 32);
    return { at, length: this.smallAt(at) };
  }

  /** `address[]` at head word `index`. */
  addressArray(index: number): string[] {
    const { at, length } = this.dynamic(index);
    if (length > MAX_ARRAY) throw new CalldataError('array too long');
    const out: string[] = [];
    for (let i = 0; i < length; i++) out.push(this.addressAt(at + 32 + i * 32));
    return out;
  }

  /** `bytes` at head word `index`, as hex without 0x. */
  bytes(index: number): string {
    const { at, length } = this.dynamic(index);
    return this.slice((at + 32) * 2, length * 2);
  }

  /** `bytes[]` at head word `index`, each element as hex without 0x. */
  bytesArray(index: number): string[] {
    const { at, length } = this.dynamic(index);
    if (length > MAX_ARRAY) throw new CalldataError('array too long');
    const elements = new Calldata(this.hex, this.base + (at + 32) * 2);
    const out: string[] = [];
    for (let i = 0; i < length; i++) {
      const offset = elements.smallAt(i * 32);
      const size = elements.smallAt(offset);
      out.push(elements.slice((offset + 32) * 2, size * 2));
    }
    return out;
  }

  /** A reader for the tuple whose head starts at word `index` (static tuples are inline). */
  inline(index: number): Calldata {
    return new Calldata(this.hex, this.base + index * 64);
  }

  /** A reader for a dynamic tuple whose offset sits in word `index`. */
  tuple(index: number): Calldata {
    return new Calldata(this.hex, this.base + this.smallAt(index * 32) * 2);
  }
}

/** V3 path bytes (hex, no 0x): token (20) fee (3) token ... -> tokens and fees in stored order. */
export function decodeV3Path(path: string): { tokens: string[]; fees: number[] } {
  if (path.length < 40 || (path.length - 40) % 46 !== 0) throw new CalldataError('malformed V3 path');
  const tokens = [`0x${path.slice(0, 40)}`];
  const fees: number[] = [];
  for (let at = 40; at < path.length; at += 46) {
    fees.push(Number.parseInt(path.slice(at, at + 6), 16));
    tokens.push(`0x${path.slice(at + 6, at + 46)}`);
  }
  if (fees.length === 0) throw new CalldataError('a V3 path needs at least one hop');
  return { tokens, fees };
}
