/**
 * Text from outside (a builder's or a node's error message, a websocket close reason, a config string) made safe
 * to print on a terminal: C0 and C1 control characters (ESC, BEL, CR, newline, ...) become visible \uXXXX escapes,
 * so a peer cannot erase or forge lines, move the cursor or write the clipboard (OSC 52). Tabs stay. Pure.
 */
const controls = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

export function visible(text: string): string {
  return text.replace(controls, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
