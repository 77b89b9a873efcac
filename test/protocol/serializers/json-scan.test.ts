import fc from 'fast-check';
import {
  NOT_SCANNED,
  SCAN_MAX_DEPTH,
  scanValue,
  skipWhitespace,
} from '../../../src/protocol/serializers/json-scan';

/** Whether the scan takes `text` as one JSON document (whitespace around it allowed, as JSON.parse). */
function scans(text: string): boolean {
  const bytes = Buffer.from(text, 'utf8');
  const start = skipWhitespace(bytes, 0, bytes.length);
  const end = scanValue(bytes, start, bytes.length);
  return end !== NOT_SCANNED && skipWhitespace(bytes, end, bytes.length) === bytes.length;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The characters JSON's grammar turns on, so that mutations hit it often. */
const GRAMMAR = ' \t\n\r"\\/[]{}:,.-+0123456789eEtrufalsnbx\u0001\u001f\u007f\u00e9😀';

describe('the validating JSON scan', () => {
  it.each([
    ['[]', true],
    ['{}', true],
    [' [1, -2.5e+3, 0, -0, 1E9, 0.000] ', true],
    ['{"a":{"b":[true,false,null]},"c":"\\u00e9\\ud800\\udfff\\n\\"\\\\\\/"}', true],
    ['"\\ud800"', true], // a lone surrogate in an escape: JSON.parse takes it
    ['"é 😀"', true],
    ['01', false],
    ['1.', false],
    ['-', false],
    ['.5', false],
    ['+1', false],
    ['1e', false],
    ['1e+', false],
    ['-01', false],
    ['0x10', false],
    ['"\\x"', false],
    ['"\\u12"', false],
    ['"\\u12G4"', false],
    ['"a\u0001b"', false],
    ['"a\tb"', false],
    ['"abc', false],
    ['[1,', false],
    ['[1,]', false],
    ['[,1]', false],
    ['{"a":1,}', false],
    ['{"a"}', false],
    ['{"a" 1}', false],
    ['{1:2}', false],
    ['{"a":1 "b":2}', false],
    ['[1] x', false],
    ['[1]]', false],
    ['tru', false],
    ['True', false],
    ['nul', false],
    ['NaN', false],
    ['', false],
  ])('%j: %s, as JSON.parse', (text, accepted) => {
    expect(parses(text)).toBe(accepted);
    expect(scans(text)).toBe(accepted);
  });

  it('ends a run of plain string bytes or digits wherever the first other byte stands', () => {
    // The loops take several bytes a round: the byte that ends a run is tried at every offset.
    const enders = ['"', '\\n', '\\u00e9', '\\x', '\u0001', '\u001f', '\t'];
    for (let run = 0; run <= 9; run++) {
      const plain = 'abcdefghi'.slice(0, run);
      for (const ender of enders) {
        for (const text of [`"${plain}${ender}"`, `["${plain}${ender}", 1]`, `{"${plain}${ender}": 1}`]) {
          expect([text, scans(text)]).toEqual([text, parses(text)]);
        }
      }
      const digits = '123456789'.slice(0, run);
      for (const text of [`[${digits}]`, `[${digits}.5e${digits}]`, `[0.${digits}]`, `[-${digits}x]`]) {
        expect([text, scans(text)]).toEqual([text, parses(text)]);
      }
      // A string or number cut at the end it is given, at every length.
      const bytes = Buffer.from(`"${plain}"`);
      expect(scanValue(bytes, 0, bytes.length - 1)).toBe(NOT_SCANNED);
      const number = Buffer.from(`${digits}1`);
      expect(scanValue(number, 0, number.length)).toBe(number.length);
    }
  });

  it('leaves values nested deeper than it follows to JSON.parse', () => {
    const deep = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;
    expect(scans(deep(SCAN_MAX_DEPTH))).toBe(true);
    expect(scans(deep(SCAN_MAX_DEPTH + 1))).toBe(false);
    expect(scans(`{"a":${deep(SCAN_MAX_DEPTH - 1)}}`)).toBe(true);
  });

  it('accepts every JSON text JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        expect(scans(text)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never reads a value past the end it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat(), (value, at) => {
        const bytes = Buffer.from(JSON.stringify(value) ?? 'null');
        const end = at % (bytes.length + 1);
        const scanned = scanValue(bytes, 0, end);
        if (scanned === NOT_SCANNED) return;
        expect(scanned).toBeLessThanOrEqual(end);
        expect(parses(bytes.subarray(0, scanned).toString())).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts exactly what JSON.parse accepts, on damaged JSON texts', () => {
    const damaged = fc
      .tuple(
        fc.jsonValue({ maxDepth: 4 }),
        fc.array(
          fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom(...GRAMMAR)),
          { minLength: 1, maxLength: 3 },
        ),
      )
      .map(([value, edits]) => {
        let text = JSON.stringify(value) ?? 'null';
        for (const [at, edit, c] of edits) {
          const i = text.length === 0 ? 0 : at % (text.length + 1);
          if (edit === 'insert') text = text.slice(0, i) + c + text.slice(i);
          else if (edit === 'delete') text = text.slice(0, i) + text.slice(i + 1);
          else text = text.slice(0, i) + c + text.slice(i + 1);
        }
        return text;
      });
    fc.assert(
      fc.property(damaged, (text) => {
        // A lone surrogate in the text itself is not UTF-8: such a frame is refused before the scan.
        if (/[\ud800-\udfff]/.test(text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) return;
        expect(scans(text)).toBe(parses(text));
      }),
      { numRuns: 3000 },
    );
  });
});
