// The templates a CTN has defined, with the state of each assessment: what an exam office checks
// before typing a template code in a command, and where a refused code sends it.
import { requireAnyRole } from './actors.js';
import type { AppContext } from './context.js';
import { loadTemplateById, type LoadedTemplate } from './lookups.js';

/** The CTN's templates of a year (every year when none is given), by year then code. */
export async function listTemplates(
  ctx: AppContext,
  actor: string,
  ctn: string,
  year?: number,
): Promise<LoadedTemplate[]> {
  await requireAnyRole(ctx, actor, ctn, 'template_list');
  const query = ctx.db('anonymity_template').where({ ctn }).orderBy(['year', 'code']).select('id');
  const rows = (await (year === undefined ? query : query.where({ year }))) as Array<{
    id: number;
  }>;
  const templates: LoadedTemplate[] = [];
  for (const row of rows) {
    templates.push(await loadTemplateById(ctx.db, row.id));
  }
  return templates;
}
