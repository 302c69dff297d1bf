import { useI18n } from '../i18n/index.tsx';
import { LevelSelect } from './ui.tsx';

export const DIMS = ['peopleSafety', 'financial', 'legal', 'reputation', 'societal'] as const;
export type ImpactForm = Record<(typeof DIMS)[number], string>;
export const EMPTY_IMPACT: ImpactForm = { peopleSafety: '', financial: '', legal: '', reputation: '', societal: '' };

export function impactBody(f: ImpactForm): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of DIMS) if (f[d]) out[d] = Number(f[d]);
  return out;
}

/** Likelihood plus impact per dimension, with the server's errors (likelihood, impact, impact.<dim>) placed. */
export function AnalysisInputs({ likelihood, impact, onLikelihood, onImpact, errors, prefix = '' }: { likelihood: string; impact: ImpactForm; onLikelihood: (v: string) => void; onImpact: (v: ImpactForm) => void; errors: Record<string, string>; prefix?: string }) {
  const { t, e } = useI18n();
  return (
    <div className="analysis-inputs">
      <LevelSelect label={t('risk.likelihood')} required allowEmpty="—" value={likelihood} onChange={onLikelihood} error={errors[`${prefix}likelihood`]} />
      <fieldset className={errors[`${prefix}impact`] ? 'impact has-error' : 'impact'}>
        <legend>{t('risk.impact')}</legend>
        <div className="impact-grid">
          {DIMS.map((d) => (
            <LevelSelect key={d} label={e('impactDim', d)} allowEmpty="—" value={impact[d]} onChange={(v) => onImpact({ ...impact, [d]: v })} error={errors[`${prefix}impact.${d}`]} />
          ))}
        </div>
        {errors[`${prefix}impact`] && <p className="field-error">{errors[`${prefix}impact`]}</p>}
      </fieldset>
    </div>
  );
}
