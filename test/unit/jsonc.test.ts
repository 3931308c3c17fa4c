import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stripJsonComments, JsonCommentError } from '../../src/config/jsonc.ts';
import { loadRunConfig } from '../../src/config/runConfig.ts';

describe('stripJsonComments (config files may carry // and /* */ comments)', () => {
  it('removes line and block comments and leaves the JSON the same value', () => {
    const text = `// the bot's config
{
  "submit": false, // never send until the doctor passes
  /* a block
     comment */ "extraBlocks": 2,
  "list": [1, /* inline */ 2]
}
`;
    expect(JSON.parse(stripJsonComments(text))).toEqual({ submit: false, extraBlocks: 2, list: [1, 2] });
  });

  it('keeps comment markers inside strings: URLs, escaped quotes, escaped backslashes', () => {
    const text = `{"url": "https://relay.flashbots.net", "q": "a\\"//b", "slash": "c:\\\\", "star": "/* not a comment */"} // end`;
    expect(JSON.parse(stripJsonComments(text))).toEqual({ url: 'https://relay.flashbots.net', q: 'a"//b', slash: 'c:\\', star: '/* not a comment */' });
  });

  it('keeps every line and column where it was, so JSON errors point at the right place', () => {
    const text = '{\n  // comment\n  /* a\n  b */ "a": 1,\n  "b": }\n';
    const stripped = stripJsonComments(text);
    expect(stripped.length).toBe(text.length);
    expect(stripped.split('\n').length).toBe(text.split('\n').length);
    expect(stripped.indexOf('"b"')).toBe(text.indexOf('"b"'));
  });

  it('refuses an unterminated block comment, naming the line', () => {
    expect(() => stripJsonComments('{\n"a": 1 /* oops\n}')).toThrow(JsonCommentError);
    expect(() => stripJsonComments('{\n"a": 1 /* oops\n}')).toThrow(/line 2/);
  });

  it('leaves plain JSON untouched', () => {
    const text = JSON.stringify({ a: 'b//c', d: [1, 2, { e: '/*' }] }, null, 2);
    expect(stripJsonComments(text)).toBe(text);
  });
});

describe('loadRunConfig reads a commented config', () => {
  it('loads a JSON file with comments; a syntax error still names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonc-'));
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      `{
  // the node
  "chain": { "chainId": 1, "rpcUrl": "http://127.0.0.1:8545", "wsUrl": "ws://127.0.0.1:8546",
             "executor": { "address": "0x0000000000000000000000000000000000000001" } },
  "submit": false /* dry until the doctor passes */
}
`,
    );
    const { config, chain } = loadRunConfig(file);
    expect(config.submit).toBe(false);
    expect(chain.rpcUrl).toBe('http://127.0.0.1:8545');
    writeFileSync(file, '{ "submit": false, /* never closed }');
    expect(() => loadRunConfig(file)).toThrow(/config\.json[\s\S]*unterminated/);
  });
});
