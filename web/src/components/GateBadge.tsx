import { useI18n } from '../i18n/index.tsx';

/** An evaluation run's gate: failed, passed, or passed with categories below their thresholds. */
export function GateBadge({ failed, failing }: { failed: boolean; failing: number }) {
  const { t } = useI18n();
  return (
    <span className={`badge ${failed ? 'b-gate-fail' : failing ? 'b-gate-warn' : 'b-gate-pass'}`}>
      {failed ? t('evr.gateFailed') : failing ? t('evr.gateWarn', { n: failing }) : t('evr.gatePassed')}
    </span>
  );
}
