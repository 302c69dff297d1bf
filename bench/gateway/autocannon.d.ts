// autocannon ships no types; the benchmark uses only its callback form.
declare module 'autocannon' {
  const autocannon: (opts: Record<string, unknown>, cb: (err: Error | null, result: any) => void) => unknown;
  export default autocannon;
}
