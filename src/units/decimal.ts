/**
 * Exact conversion of a decimal string in token units to integer base units ("1.5", 6 decimals -> 1500000n).
 * Refuses, rather than rounds, a value with more fractional digits than the token has.
 */
export function parseUnitsExact(value: string, decimals: number): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) throw new RangeError(`"${value}" is not a decimal number`);
  const whole = match[1]!;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > decimals) {
    throw new RangeError(`"${value}" has more than ${decimals} decimals`);
  }
  return BigInt(whole + fraction.padEnd(decimals, '0'));
}

/** An exact rational from a decimal string: "2.5" -> { numerator: 25n, denominator: 10n }. */
export function decimalToRational(value: string): { numerator: bigint; denominator: bigint } {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) throw new RangeError(`"${value}" is not a decimal number`);
  const fraction = match[2] ?? '';
  return { numerator: BigInt(match[1]! + fraction), denominator: 10n ** BigInt(fraction.length) };
}

/** Base units to a decimal string in token units, exact (1500000n, 6 -> "1.5"). */
export function formatUnitsExact(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
