// The elements of the real Apogée maquette sample (IUT, étape 7W29, year 2026) under anonymity:
// one template per element of the period S4, each posed, validated or lifted on demand, on a site
// opened by iut-site.ts.
import { lift, pose, validate } from '../../src/services/anonymity.js';
import type { AppContext } from '../../src/services/context.js';
import { addModality, addPeriod, addRule, addTemplate } from '../../src/services/setup.js';
import { IUT_MANAGER } from './iut-site.js';

/** The sample's academic year. */
export const IUT_YEAR = 2026;

/** The state each element's template `T-<code>` is brought to. */
export type Brought = 'P' | 'V' | 'L';

/**
 * Puts the elements (code → barème) under anonymity in the period S4, session 1, then gives each of
 * `templates` its own template `T-<code>` (sequential numbers with a Damm check), brought to its state.
 */
export async function anonymiseIut(
  ctx: AppContext,
  scales: Record<string, number>,
  templates: Record<string, Brought>,
): Promise<void> {
  const base = { ctn: 'IUT', year: IUT_YEAR };
  await addPeriod(ctx, IUT_MANAGER, { ...base, code: 'S4', label: 'Semestre 4' });
  for (const [objectCode, scale] of Object.entries(scales)) {
    const assessment = { objectCode, session: 1, stage: 'admission' } as const;
    await addModality(ctx, IUT_MANAGER, { ...base, period: 'S4', scale, ...assessment });
  }
  await addRule(ctx, IUT_MANAGER, {
    ctn: 'IUT',
    code: 'SEQ5',
    kind: 'sequential',
    width: 5,
    prefix: '',
    check: 'damm',
    start: 1,
  });

  for (const [objectCode, state] of Object.entries(templates)) {
    const template = { ...base, code: `T-${objectCode}` };
    await addTemplate(ctx, IUT_MANAGER, {
      ...template,
      label: objectCode,
      period: 'S4',
      rule: 'SEQ5',
      attribution: 'per_template',
      autoNewcomers: false,
      assessments: [{ objectCode, session: 1, stage: 'admission' }],
    });
    await pose(ctx, IUT_MANAGER, template);
    if (state !== 'P') {
      await validate(ctx, IUT_MANAGER, template);
    }
    if (state === 'L') {
      await lift(ctx, IUT_MANAGER, template);
    }
  }
}
