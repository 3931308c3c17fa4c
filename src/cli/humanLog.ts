/**
 * The terminal's log format: one pino JSON line (already redacted by the logger) rendered as a line a person
 * reads: local time, the level in words (coloured on a terminal), who speaks, the message, then the fields
 * the message does not already say. Amounts (fields named *Wei) are shown exactly in ETH with the unit (fees
 * per gas in gwei), never through a float. Pure: no I/O, no clock.
 */
import { formatUnitsExact } from '../units/decimal.ts';
import { visible } from './terminalText.ts';

const levelWords: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };
/** SGR colours: grey trace/debug, green info, yellow warning, red error, inverse red fatal. */
const levelColours: Record<number, string> = { 10: '90', 20: '90', 30: '32', 40: '33', 50: '31', 60: '41;97' };

/**
 * Keys pino or the logger itself writes, and machine fields whose message already puts them in words (the
 * websocket's retries: "still trying: attempt 4 at 07:02:12 (in 0.8 s)").
 */
const shownElsewhere = new Set(['level', 'time', 'msg', 'component', 'pid', 'hostname', 'retryAt', 'retryInMs', 'attempt', 'failedAttempts', 'silentMs']);

const paint = (colour: string, text: string, enabled: boolean) => (enabled ? `\x1b[${colour}m${text}\x1b[0m` : text);

/** Fees per gas read best in gwei; every other wei amount in ETH. */
const perGas = /perGas|baseFee|priorityFee|gasPrice|tip/i;

/** `value` (a decimal wei string or an integer) as exact ETH or gwei with the unit; undefined if it is not an integer. */
export function weiWithUnit(value: unknown, key = ''): string | undefined {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^-?\d+$/.test(text)) return undefined;
  const wei = BigInt(text);
  return perGas.test(key) ? `${formatUnitsExact(wei, 9)} gwei` : `${formatUnitsExact(wei, 18)} ETH`;
}

function fieldText(key: string, value: unknown): string {
  if (/Wei$/.test(key)) {
    const amount = weiWithUnit(value, key);
    if (amount !== undefined) return `${key.slice(0, -3)}=${amount}`;
  }
  if (value !== null && typeof value === 'object') {
    // An error pino serialised: its message says it (the stack is for --verbose and the JSON file).
    const message = (value as { message?: unknown }).message;
    return `${key}=${typeof message === 'string' ? message : JSON.stringify(value)}`;
  }
  const text = String(value);
  return `${key}=${/\s/.test(text) ? JSON.stringify(text) : text}`;
}

const twoDigits = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local wall-clock time of day, as a terminal shows it: 14:03:07.412. */
export function timeOfDay(ms: number): string {
  const date = new Date(ms);
  return `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}:${twoDigits(date.getSeconds())}.${twoDigits(date.getMilliseconds(), 3)}`;
}

/**
 * One JSON log line as a human line (no trailing newline). A line that is not JSON is passed through as it is:
 * the logger never writes one, and losing a line would be worse than showing it raw.
 */
export function formatLogLine(json: string, options: { colour: boolean }): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  if (record === null || typeof record !== 'object') return json.trimEnd();
  const level = typeof record.level === 'number' ? record.level : 30;
  const word = levelWords[level] ?? String(level);
  const message = typeof record.msg === 'string' ? record.msg : '';
  const component = typeof record.component === 'string' ? record.component : undefined;
  // "risk: bundle resolved" already says who speaks; "cannot connect ..." gets its component in front.
  const speaker = component && !/^[\w-]+: /.test(message) ? `${component}: ` : '';
  const fields = Object.entries(record)
    .filter(([key, value]) => !shownElsewhere.has(key) && value !== undefined && !(typeof value === 'string' && value !== '' && message.includes(value)))
    .map(([key, value]) => fieldText(key, value));
  const time = typeof record.time === 'number' ? `${paint('2', timeOfDay(record.time), options.colour)} ` : '';
  // Messages and fields quote peers (builder refusals, socket errors): their control characters are shown, never obeyed.
  const text = visible(`${speaker}${message}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}`);
  return `${time}${paint(levelColours[level] ?? '0', word.padEnd(7), options.colour)} ${level >= 40 ? paint(levelColours[level]!, text, options.colour) : text}`;
}
