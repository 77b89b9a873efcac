/** `pino-pretty` in the browser bundle: pretty lines are for terminals, a page logs to its console. */
export default function pretty(): never {
  throw new TypeError('pretty logs (pino-pretty) are not available in the browser bundle');
}
