// Commands that make reveals deliberate: lift conditions, the lift request and its confirmation by
// a second manager, the per-student reveal (with its reason) and the after-lift report.
import type { Command } from 'commander';
import { confirmLift, type TemplateRef } from '../services/anonymity.js';
import { frenchDateTime } from '../outputs/french.js';
import type { AppContext } from '../services/context.js';
import {
  changedAfterLift,
  type ChangedAfterLift,
  requestLift,
  revealStudent,
  setLiftConditions,
} from '../services/reveal.js';
import { overridesOf, withActor, type ActorOptions } from './options.js';
import { say, withContext } from './runtime.js';

/** « MAT101 00042 DUPONT Léa (00012345) : 11,00 ADM, le 05/12/2026 à 07:46 », in French. */
function changedLine(r: ChangedAfterLift): string {
  const shown = [r.value?.replace('.', ',') ?? r.absence, r.result].filter(Boolean).join(' ');
  const who = `${r.lastName} ${r.firstName} (${r.studentNumber})`;
  return `${r.objectCode} ${r.number} ${who} : ${shown || '(vide)'}, le ${frenchDateTime(r.updatedAt)}`;
}

function refOf(ctx: AppContext, code: string, o: ActorOptions): TemplateRef {
  return { ctn: o.ctn, year: o.year ?? ctx.config.defaultYear, code };
}

interface ConditionOptions extends ActorOptions {
  allGrades: boolean;
  cleanImports: boolean;
  anonymousPv: boolean;
  confirmation: boolean;
}

function registerConditions(program: Command): void {
  withActor(
    program
      .command('lift-conditions <maquette>')
      .description(
        "fixer les conditions de levée de l'anonymat (une option absente n'est pas exigée)",
      ),
  )
    .option('--all-grades', 'toutes les notes saisies', false)
    .option(
      '--clean-imports',
      'aucun fichier de notes ou de résultats refusé ou partiel non corrigé',
      false,
    )
    .option(
      '--anonymous-pv',
      'PV anonyme de délibération édité, à jour des dernières notes et décisions du jury',
      false,
    )
    .option('--confirmation', "confirmation par un second gestionnaire de l'anonymat", false)
    .action((code: string, o: ConditionOptions, cmd: Command) =>
      withContext(async (ctx) => {
        const conditions = {
          allGrades: o.allGrades,
          noOpenImportError: o.cleanImports,
          anonymousPv: o.anonymousPv,
          secondConfirmation: o.confirmation,
        };
        await setLiftConditions(ctx, o.as, refOf(ctx, code, o), conditions);
        say(`Conditions de levée enregistrées pour ${code}.`);
      }, overridesOf(cmd)),
    );
}

/** What `lift-request` says when a request is already open: whose it is, and how to go on. */
export function liftPendingText(code: string, pendingBy: string, actor: string): string {
  return pendingBy === actor
    ? `Levée de ${code} déjà demandée par vous : un second gestionnaire doit la confirmer ` +
        `(anonymat lift-confirm ${code}).`
    : `Levée de ${code} déjà demandée par ${pendingBy} ; rien de plus n'est enregistré. ` +
        `Pour la confirmer en second gestionnaire : anonymat lift-confirm ${code}.`;
}

/** Registers the reveal and lift-control commands. */
export function registerAnonymityCommands(program: Command): void {
  registerConditions(program);

  withActor(
    program.command('lift-request <maquette>').description('demander la levée (à confirmer)'),
  ).action((code: string, o: ActorOptions, cmd: Command) =>
    withContext(async (ctx) => {
      const { secondManager, pendingBy } = await requestLift(ctx, o.as, refOf(ctx, code, o));
      say(
        pendingBy !== null
          ? liftPendingText(code, pendingBy, o.as)
          : secondManager
            ? `Levée de ${code} demandée : un second gestionnaire doit la confirmer (lift-confirm).`
            : `Levée de ${code} demandée. Cette maquette n'exige pas de second gestionnaire : ` +
              'tout gestionnaire, vous compris, peut la confirmer (lift-confirm). Pour exiger un ' +
              'second gestionnaire : anonymat lift-conditions … --confirmation.',
      );
    }, overridesOf(cmd)),
  );

  withActor(
    program.command('lift-confirm <maquette>').description('confirmer une levée demandée'),
  ).action((code: string, o: ActorOptions, cmd: Command) =>
    withContext(async (ctx) => {
      const count = await confirmLift(ctx, o.as, refOf(ctx, code, o));
      say(`${count} épreuve(s) levée(s) (L).`);
    }, overridesOf(cmd)),
  );

  withActor(
    program
      .command('reveal <maquette> <numéro>')
      .description("lever l'anonymat d'une seule copie avant la levée (motif obligatoire)"),
  )
    .requiredOption('--reason <motif>', 'motif (recours, copie égarée, erreur de numéro …)')
    .action((code: string, number: string, o: ActorOptions & { reason: string }, cmd: Command) =>
      withContext(async (ctx) => {
        const who = await revealStudent(ctx, o.as, refOf(ctx, code, o), number, o.reason);
        say(
          `${number} : ${who.lastName} ${who.firstName} (${who.studentNumber}). Levée journalisée.`,
        );
      }, overridesOf(cmd)),
    );

  withActor(
    program
      .command('changed-after-lift <maquette>')
      .description('lister les notes modifiées après la levée de l’anonymat'),
  ).action((code: string, o: ActorOptions, cmd: Command) =>
    withContext(async (ctx) => {
      const rows = await changedAfterLift(ctx, o.as, refOf(ctx, code, o));
      rows.forEach((r) => say(changedLine(r)));
      say(`${rows.length} note(s) modifiée(s) après la levée.`);
    }, overridesOf(cmd)),
  );
}
