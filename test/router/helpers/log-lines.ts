/** The lines whose message contains `text`. */
export function linesWith(
  lines: readonly Record<string, unknown>[],
  text: string,
): Record<string, unknown>[] {
  return lines.filter((line) => String(line.msg).includes(text));
}
