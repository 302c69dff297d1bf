import type { MessageKey } from '../i18n/en.ts';

export const NAV: { to: string; key: MessageKey; match: RegExp; role?: string }[] = [
  { to: '/', key: 'nav.dashboard', match: /^\/$/ },
  { to: '/systems', key: 'nav.systems', match: /^\/systems/ },
  { to: '/risks', key: 'nav.risks', match: /^\/risks/ },
  { to: '/controls', key: 'nav.controls', match: /^\/controls/ },
  { to: '/evidence', key: 'nav.evidence', match: /^\/evidence/ },
  { to: '/incidents', key: 'nav.incidents', match: /^\/incidents/ },
  { to: '/audit', key: 'nav.audit', match: /^\/audit/ },
  { to: '/tokens', key: 'nav.tokens', match: /^\/tokens/, role: 'admin' },
];

/**
 * Technical modules get their pages here as they land: add a route in App.tsx, set `ready` and
 * give the entry its `to` (and `match` for its sub-pages).
 * Until then each has a placeholder page explaining that its results already arrive as evidence.
 */
export const MODULES: { name: string; key: MessageKey; ready: boolean; to?: string; match?: RegExp }[] = [
  { name: 'evaluate', key: 'nav.module.evaluate', ready: true, to: '/eval/runs', match: /^\/eval/ },
  { name: 'gateway', key: 'nav.module.gateway', ready: true, to: '/gateway', match: /^\/gateway/ },
  { name: 'labels', key: 'nav.module.labels', ready: false },
  { name: 'scans', key: 'nav.module.scans', ready: false },
];
