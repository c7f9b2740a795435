// Commands of the anonymity cycle and its outputs.
import type { Command } from 'commander';
import { AppError } from '../domain/errors.js';
import { aliasRead } from '../domain/grades.js';
import { lift, pose, validate, withdraw, type TemplateRef } from '../services/anonymity.js';
import { academicYearLabel } from '../outputs/french.js';
import { exportApogee, unplacedNotice } from '../services/apogee-export.js';
import type { AppContext } from '../services/context.js';
import { enterGrade } from '../services/grade-entry.js';
import { writePv } from '../services/pv-report.js';
import {
  writeCorrespondence,
  writeGradeWorkbooks,
  writeLabels,
  writeModalities,
  writeProgress,
} from '../services/reports.js';
import { overridesOf, withActor, type ActorOptions } from './options.js';
import { poseSummary } from './pose-summary.js';
import { say, withContext } from './runtime.js';

type TemplateOptions = ActorOptions & { object?: string };

function refOf(ctx: AppContext, code: string, o: TemplateOptions): TemplateRef {
  return { ctn: o.ctn, year: o.year ?? ctx.config.defaultYear, code, objectCode: o.object };
}

function templateCommand(
  program: Command,
  name: string,
  description: string,
  run: (ctx: AppContext, actor: string, ref: TemplateRef) => Promise<string>,
): void {
  withActor(program.command(`${name} <maquette>`).description(description))
    .option('--object <code>', "une seule épreuve de la maquette (code de l'enseignement)")
    .action((code: string, o: TemplateOptions, cmd: Command) =>
      withContext(async (ctx) => say(await run(ctx, o.as, refOf(ctx, code, o))), overridesOf(cmd)),
    );
}

/** Registers the cycle commands. */
export function registerCycleCommands(program: Command): void {
  registerCtnCommands(program);
  templateCommand(
    program,
    'pose',
    'poser les numéros anonymes (I → P), ou numéroter les nouveaux inscrits (P, V)',
    async (c, a, r) => poseSummary(await pose(c, a, r), c.config.passingResultCodes),
  );
  templateCommand(
    program,
    'withdraw',
    'retirer les numéros (P → I)',
    async (c, a, r) => `${await withdraw(c, a, r)} numéro(s) retiré(s) ; état I.`,
  );
  templateCommand(
    program,
    'validate',
    "valider l'anonymat (P → V)",
    async (c, a, r) => `${await validate(c, a, r)} épreuve(s) sous anonymat validé (V).`,
  );
  templateCommand(
    program,
    'lift',
    "lever l'anonymat (V → L, définitif)",
    async (c, a, r) => `${await lift(c, a, r)} épreuve(s) levée(s) (L).`,
  );
  templateCommand(program, 'labels', "écrire la planche d'étiquettes", async (c, a, r) => {
    const out = await writeLabels(c, a, r);
    return `${out.labels} étiquette(s) : ${out.path}`;
  });
  templateCommand(
    program,
    'workbooks',
    'écrire les bordereaux de saisie anonymes',
    async (c, a, r) =>
      (await writeGradeWorkbooks(c, a, r)).map((w) => `${w.rows} numéro(s) : ${w.path}`).join('\n'),
  );
  templateCommand(
    program,
    'correspondence',
    'écrire la liste de correspondance (confidentielle, journalisée)',
    async (c, a, r) => {
      const out = await writeCorrespondence(c, a, r);
      return `${out.rows} ligne(s) : ${out.path}`;
    },
  );
  templateCommand(program, 'progress', "écrire l'état d'avancement", async (c, a, r) => {
    const out = await writeProgress(c, a, r);
    return out.rows
      .map(
        (row) =>
          `${row.assessment.objectCode} ${row.state} : ${row.concerned} concerné(s), ${row.numbered} numéroté(s), ${row.withoutNumber} sans numéro`,
      )
      .concat(out.path)
      .join('\n');
  });
  templateCommand(
    program,
    'pv',
    'écrire le PV de délibération (anonyme sous V, nominatif après levée)',
    async (c, a, r) => {
      const out = await writePv(c, a, r);
      return `PV ${out.anonymous ? 'anonyme' : 'nominatif'} (${out.rows} ligne(s)) : ${out.path}`;
    },
  );
}

function registerCtnCommands(program: Command): void {
  withActor(
    program.command('modalities').description("écrire la liste des modalités d'anonymat"),
  ).action((o: ActorOptions, cmd: Command) =>
    withContext(async (c) => {
      const out = await writeModalities(c, o.as, o.ctn, o.year ?? c.config.defaultYear);
      say(`${out.rows} modalité(s) : ${out.path}`);
    }, overridesOf(cmd)),
  );

  withActor(
    program
      .command('export-apogee')
      .description('remplir les maquettes Apogée avec les notes levées'),
  ).action((o: ActorOptions, cmd: Command) =>
    withContext(async (c) => {
      const year = o.year ?? c.config.defaultYear;
      const { maquettes, unplaced } = await exportApogee(c, o.as, o.ctn, year);
      if (maquettes.length === 0) {
        // Nothing exported is a refusal (exit 2): a script must not take it for an export.
        throw new AppError('MAQUETTE_NONE', `(CTN ${o.ctn}, année ${academicYearLabel(year)})`);
      }
      for (const w of maquettes) {
        say(`${w.filled} note(s) : ${w.path}`);
      }
      const notice = unplacedNotice(unplaced);
      if (notice) {
        say(notice);
      }
    }, overridesOf(cmd)),
  );

  withActor(
    program.command('grade <numéro> <note>').description('saisir une note par numéro anonyme'),
  )
    .option('--object <code>', 'épreuve, quand le numéro vaut pour toute la maquette')
    .option('--replace', 'remplacer la note déjà enregistrée pour ce numéro')
    .action(
      (number: string, grade: string, o: TemplateOptions & { replace?: boolean }, cmd: Command) =>
        withContext(async (c) => {
          const out = await enterGrade(c, o.as, {
            ctn: o.ctn,
            number,
            grade,
            objectCode: o.object,
            replace: o.replace === true,
            year: o.year,
          });
          const shown = out.grade.replace('.', ',');
          if (out.unchanged) {
            say(
              `Note inchangée pour ${number} (${out.objectCode}) : ${shown} était déjà enregistrée.`,
            );
          } else if (out.replaced !== null) {
            say(
              `Note enregistrée pour ${number} (${out.objectCode}) : ${shown}, en remplacement de ${out.replaced.replace('.', ',')}.`,
            );
          } else {
            say(`Note enregistrée pour ${number} (${out.objectCode}) : ${shown}.`);
          }
          if (out.alias) {
            const hint =
              out.alias.code === 'ABI'
                ? " : si l'absence est justifiée, saisissez ABJ avec --replace."
                : '.';
            say(`${aliasRead(out.alias.typed, out.alias.code)}${hint}`);
          }
        }, overridesOf(cmd)),
    );
}
