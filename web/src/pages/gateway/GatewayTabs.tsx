import type { ReactNode } from 'react';
import { PageHeader } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/en.ts';
import { Link, useRouter } from '../../lib/router.tsx';

const TABS: { to: string; key: MessageKey }[] = [
  { to: '/gateway', key: 'gw.tab.overview' },
  { to: '/gateway/decisions', key: 'gw.tab.decisions' },
  { to: '/gateway/confirmations', key: 'gw.tab.confirmations' },
  { to: '/gateway/policies', key: 'gw.tab.policies' },
  { to: '/gateway/upstreams', key: 'gw.tab.upstreams' },
  { to: '/gateway/keys', key: 'gw.tab.keys' },
];

/** The gateway's page heading and its sub-navigation (plain links: every section has its own URL). */
export function GatewayHeader({ title, actions, children }: { title: string; actions?: ReactNode; children?: ReactNode }) {
  const { t } = useI18n();
  const { path } = useRouter();
  const current = [...TABS].reverse().find((x) => path === x.to || path.startsWith(x.to + '/'))?.to;
  return (
    <>
      <PageHeader title={title} actions={actions}>
        {children}
      </PageHeader>
      <nav className="subnav" aria-label={t('gw.sections')}>
        {TABS.map((x) => (
          <Link key={x.to} to={x.to} aria-current={current === x.to ? 'page' : undefined}>
            {t(x.key)}
          </Link>
        ))}
      </nav>
    </>
  );
}
