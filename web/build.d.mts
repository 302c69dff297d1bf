// Types for build.mjs (imported by src/server/console.ts).
export const WEB_DIR: string;
export const DIST_DIR: string;
export function sourceHash(): string;
export function isFresh(): boolean;
export function build(opts?: { force?: boolean; log?: (msg: string) => void }): Promise<{ built: boolean; ms?: number }>;
