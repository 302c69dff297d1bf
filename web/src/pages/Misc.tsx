import { Empty, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { Link } from '../lib/router.tsx';
import { MODULES } from '../lib/nav.ts';

export function ModulePage({ name }: { name: string }) {
  const { t } = useI18n();
  const m = MODULES.find((x) => x.name === name);
  if (!m) return <NotFound />;
  return (
    <>
      <PageHeader title={t(m.key)} />
      <Empty>
        {t('mod.later')} <Link to="/evidence">{t('nav.evidence')}</Link>
      </Empty>
    </>
  );
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('notFound.title')} />
      <Empty>
        {t('notFound.body')} <Link to="/">{t('nav.dashboard')}</Link>
      </Empty>
    </>
  );
}
