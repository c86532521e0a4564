/** `1 partition`, `2 partitions`, `0 statements`. */
export function plural(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
