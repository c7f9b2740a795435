// Commands of the printed outputs: PDF label sheets (with spare labels), PDF PVs and the
// attendance sheets for the day of the exam.
import { InvalidArgumentError, type Command } from 'commander';

import type { Symbology } from '../outputs/pdf/layouts.js';
import type { TemplateRef } from '../services/anonymity.js';
import { writeAttendance, type Room } from '../services/attendance.js';
import type { AppContext } from '../services/context.js';
import { writeLabelsPdf, writePvPdf } from '../services/pdf-reports.js';
import { writePv } from '../services/pv-report.js';
import { bindSpare, createSpares } from '../services/spare-labels.js';
import { overridesOf, positiveInteger, withActor, type ActorOptions } from './options.js';
import { say, withContext } from './runtime.js';

type TemplateOptions = ActorOptions & { object?: string };

function refOf(ctx: AppContext, code: string, o: TemplateOptions): TemplateRef {
  return { ctn: o.ctn, year: o.year ?? ctx.config.defaultYear, code, objectCode: o.object };
}

/** Parses "Amphi A:120,B12:40" into rooms, with a French error. */
export function parseRooms(value: string): Room[] {
  return value.split(',').map((part) => {
    const match = /^\s*(.+?)\s*:\s*(\d+)\s*$/.exec(part);
    if (!match?.[1] || !match[2]) {
      throw new InvalidArgumentError('salles attendues sous la forme « Amphi A:120,B12:40 ».');
    }
    return { name: match[1], capacity: Number(match[2]) };
  });
}

function isoDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new InvalidArgumentError('date attendue sous la forme aaaa-mm-jj.');
  }
  return value;
}

/** A command on one template, with --object. */
function templateCommand(program: Command, usage: string, description: string): Command {
  return withActor(program.command(usage).description(description)).option(
    '--object <code>',
    "une seule épreuve de la maquette (code de l'enseignement)",
  );
}

/** Registers the print commands. */
export function registerPrintCommands(program: Command): void {
  registerLabelCommands(program);
  registerSheetCommands(program);
}

/** Label sheets and spare labels. */
function registerLabelCommands(program: Command): void {
  templateCommand(
    program,
    'labels-pdf <maquette>',
    "planche d'étiquettes PDF (code-barres, réserves)",
  )
    .option('--grid <planche>', 'planche : 3x8, 3x7, 2x7, 3x7-63, 2x8, 3x10')
    .option('--symbology <code>', 'code128, datamatrix ou none')
    .option('--date <aaaa-mm-jj>', "date de l'épreuve imprimée sur les étiquettes", isoDate)
    .option('--outline', 'tracer le contour des étiquettes (essai sur papier blanc)')
    .option(
      '--only <numéros>',
      'ces numéros seulement, séparés par des virgules (réserve attribuée, étiquette abîmée)',
      (value: string) => value.split(',').map((n) => n.trim()),
    )
    .action(
      (
        code: string,
        o: TemplateOptions & {
          grid?: string;
          symbology?: Symbology;
          date?: string;
          outline?: boolean;
          only?: string[];
        },
        cmd: Command,
      ) =>
        withContext(async (c) => {
          const out = await writeLabelsPdf(c, o.as, refOf(c, code, o), {
            grid: o.grid,
            symbology: o.symbology,
            examDate: o.date,
            outline: o.outline,
            only: o.only,
          });
          say(`${out.labels} étiquette(s) dont ${out.spares} de réserve : ${out.path}`);
        }, overridesOf(cmd)),
    );

  templateCommand(
    program,
    'spares <maquette>',
    'tirer des numéros de réserve (étiquettes pour les inscrits de dernière minute)',
  )
    .requiredOption(
      '--count <n>',
      'nombre de réserves par épreuve (ou pour la maquette), au moins 1',
      positiveInteger,
    )
    .action((code: string, o: TemplateOptions & { count: number }, cmd: Command) =>
      withContext(async (c) => {
        const out = await createSpares(c, o.as, refOf(c, code, o), o.count);
        say(`${out.created} numéro(s) de réserve tiré(s) ; imprimez-les avec labels-pdf.`);
      }, overridesOf(cmd)),
    );

  withActor(
    program
      .command('spare-bind <maquette> <numéro> <n_etudiant>')
      .description('attribuer une étiquette de réserve à un étudiant (journalisé)'),
  ).action(
    (code: string, number: string, studentNumber: string, o: TemplateOptions, cmd: Command) =>
      withContext(async (c) => {
        await bindSpare(c, o.as, refOf(c, code, o), { number, studentNumber });
        say(`Étiquette ${number} attribuée ; réimprimez-la avec labels-pdf --only ${number}.`);
      }, overridesOf(cmd)),
  );
}

/** PDF PVs and attendance sheets. */
function registerSheetCommands(program: Command): void {
  templateCommand(
    program,
    'pv-pdf <maquette>',
    'PV de délibération PDF (anonyme sous V, nominatif après levée)',
  )
    .option('--individual', 'PV individuels (une page par étudiant ou par numéro)')
    .action((code: string, o: TemplateOptions & { individual?: boolean }, cmd: Command) =>
      withContext(async (c) => {
        const out = await writePvPdf(
          c,
          o.as,
          refOf(c, code, o),
          o.individual ? 'individual' : 'collective',
        );
        say(
          `PV ${out.anonymous ? 'anonyme' : 'nominatif'} (empreinte ${out.fingerprint.slice(0, 16)}) : ${out.path}`,
        );
      }, overridesOf(cmd)),
    );

  templateCommand(
    program,
    'pv-individual <maquette>',
    'PV individuels en tableur (un bloc par étudiant ou par numéro, une page chacun)',
  ).action((code: string, o: TemplateOptions, cmd: Command) =>
    withContext(async (c) => {
      const out = await writePv(c, o.as, refOf(c, code, o), 'individual');
      say(`PV individuels ${out.anonymous ? 'anonymes' : 'nominatifs'} : ${out.path}`);
    }, overridesOf(cmd)),
  );

  templateCommand(program, 'attendance <maquette>', "listes d'émargement et bordereau des copies")
    .option('--by <mode>', 'room (par salle) ou assessment (par épreuve)')
    .option('--rooms <salles>', 'salles et capacités : « Amphi A:120,B12:40 »', parseRooms)
    .option('--date <aaaa-mm-jj>', "date de l'épreuve", isoDate)
    .option('--time <hh:mm>', "heure de l'épreuve")
    .action(
      (
        code: string,
        o: TemplateOptions & {
          by?: 'room' | 'assessment';
          rooms?: Room[];
          date?: string;
          time?: string;
        },
        cmd: Command,
      ) =>
        withContext(async (c) => {
          const out = await writeAttendance(c, o.as, refOf(c, code, o), {
            by: o.by,
            rooms: o.rooms,
            date: o.date,
            time: o.time,
          });
          say(`${out.students} étudiant(s) en ${out.groups} liste(s) :\n${out.sheet}\n${out.slip}`);
        }, overridesOf(cmd)),
    );
}
