import { InvalidArgumentError } from 'commander';
import { WampError } from '../../src';
import { describeWampError, wampErrorJson } from '../../cli/remote-errors';
import { payloadValue, renderPayload, renderValue, toJson } from '../../cli/render';
import { parseKwargs, parseMilliseconds, parseValue } from '../../cli/values';

describe('command-line values', () => {
  it('parses a word as JSON when it parses, else keeps the string', () => {
    expect(
      ['42', '-1.5', 'true', 'null', '"42"', '{"a":[1]}', 'Ada', '{oops', '', ' 7 '].map(parseValue),
    ).toEqual([42, -1.5, true, null, '42', { a: [1] }, 'Ada', '{oops', '', 7]);
  });

  it('takes --kwargs only as a JSON object', () => {
    expect(parseKwargs('{"b":2}')).toEqual({ b: 2 });
    for (const bad of ['[1]', '2', 'null', '"x"', '{b:2}'])
      expect(() => parseKwargs(bad)).toThrow(InvalidArgumentError);
  });

  it('takes --timeout only as positive whole milliseconds', () => {
    expect(parseMilliseconds('250')).toBe(250);
    for (const bad of ['0', '-5', '1.5', 'soon'])
      expect(() => parseMilliseconds(bad)).toThrow(InvalidArgumentError);
  });
});

describe('rendering results', () => {
  it('prints strings as they are, nothing for no value, JSON for the rest', () => {
    expect(renderValue('Hello Ada')).toBe('Hello Ada');
    expect(renderValue(undefined)).toBe('');
    expect(renderValue({ a: 1 })).toBe('{"a":1}');
    expect(renderValue({ a: 1 }, 2)).toBe('{\n  "a": 1\n}');
  });

  it('turns 64-bit integers into decimal strings and bytes into base64', () => {
    expect(toJson({ big: 2n ** 64n, bytes: new Uint8Array([1, 2, 3]), buffer: Buffer.from('hi') })).toBe(
      '{"big":"18446744073709551616","bytes":"AQID","buffer":"aGk="}',
    );
  });

  it('shows a payload as its single argument, else as { args, kwargs }', () => {
    expect(payloadValue([], {})).toBeUndefined();
    expect(payloadValue(['x'], {})).toBe('x');
    expect(payloadValue([1, 2], {})).toEqual({ args: [1, 2], kwargs: {} });
    expect(renderPayload(['x'], { k: 1 })).toBe('{"args":["x"],"kwargs":{"k":1}}');
  });
});

describe('remote errors in one line', () => {
  it('uses the first argument as the message when it is a string', () => {
    expect(describeWampError(new WampError('app.error.x', ['went wrong', 2]))).toBe(
      'app.error.x: went wrong',
    );
  });

  it('shows the payload otherwise, or the URI alone', () => {
    expect(describeWampError(new WampError('app.error.x'))).toBe('app.error.x');
    expect(describeWampError(new WampError('app.error.x', [42]))).toBe('app.error.x: 42');
    expect(describeWampError(new WampError('app.error.x', [], { sku: 'fig' }))).toBe(
      'app.error.x: {"args":[],"kwargs":{"sku":"fig"}}',
    );
  });

  it('has a --json form with the URI, args and kwargs', () => {
    expect(JSON.parse(wampErrorJson(new WampError('app.error.x', ['m'], { k: 1 })))).toEqual({
      error: 'app.error.x',
      args: ['m'],
      kwargs: { k: 1 },
    });
  });
});
