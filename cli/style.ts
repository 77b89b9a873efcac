import { styleText } from 'node:util';

/** Colours for people at a terminal; plain text when piped or with NO_COLOR set. */
type Style = 'bold' | 'dim' | 'green' | 'red' | 'yellow' | 'cyan' | 'magenta';

export function colour(stream: NodeJS.WriteStream): (style: Style, text: string) => string {
  const enabled = stream.isTTY === true && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
  return (style, text) => (enabled ? styleText(style, text) : text);
}
