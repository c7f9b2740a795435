// Commands that declare CTNs, users, habilitations, periods, modalities, rules and templates.
import type { Command } from 'commander';
import { AppError } from '../domain/errors.js';
import { ROLE_LABELS } from '../domain/permissions.js';
import type { Attribution, CheckKind, NumberingKind, Role, Stage } from '../domain/types.js';
import {
  addCtn,
  addModality,
  addPeriod,
  addRule,
  addTemplate,
  addUser,
  grant,
  type AssessmentRef,
} from '../services/setup.js';
import { listTemplates } from '../services/template-list.js';
import { academicYearLabel, sessionLabel, stageLabel, stateLabel } from '../outputs/french.js';
import { integer, overridesOf, withActor, type ActorOptions } from './options.js';
import { say, withContext } from './runtime.js';

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new AppError('INVALID_ARGUMENT', `(${what} : ${allowed.join(', ')})`);
  }
  return value as T;
}

/** `OBJ` or `OBJ:2` (session 2) or `OBJ:1:admissibility`. */
export function parseAssessmentRef(text: string): AssessmentRef {
  const [objectCode = '', session = '1', stage = 'admission'] = text.split(':');
  // Session 1 or 2 only: « 3 » was taken for session 1 without a word.
  return {
    objectCode,
    session: oneOf(session.trim(), ['1', '2'], 'session') === '2' ? 2 : 1,
    stage: oneOf<Stage>(stage, ['admission', 'admissibility'], 'étape'),
  };
}

/** Registers the set-up commands. */
export function registerSetupCommands(program: Command): void {
  registerPeriodCommands(program);
  registerRuleCommands(program);
  registerTemplateCommands(program);
  const ctn = program.command('ctn').description('CTN (centres de traitement des notes)');
  ctn
    .command('add <code> <libellé>')
    .description('déclarer un CTN')
    .requiredOption('--as <login>', 'administrateur')
    .action((code: string, label: string, o: { as: string }, cmd: Command) =>
      withContext(async (c) => {
        await addCtn(c, o.as, code, label);
        say(`CTN ${code} déclaré.`);
      }, overridesOf(cmd)),
    );

  const user = program.command('user').description('utilisateurs');
  user
    .command('add <login> <nom>')
    .description('déclarer un utilisateur (le premier est administrateur)')
    .requiredOption('--as <login>', 'administrateur')
    .option('--admin', 'administrateur', false)
    .action((login: string, name: string, o: { as: string; admin: boolean }, cmd: Command) =>
      withContext(async (c) => {
        await addUser(c, o.as, login, name, o.admin);
        say(`Utilisateur ${login} déclaré.`);
      }, overridesOf(cmd)),
    );

  registerGrant(program);
}

const ROLES = Object.keys(ROLE_LABELS) as Role[];

/** The roles as the grant command's help and refusals list them: the code to type, then its sense. */
const ROLE_CHOICES = ROLES.map((role) => `${role} — ${ROLE_LABELS[role]}`).join(' ; ');

function registerGrant(program: Command): void {
  program
    .command('grant')
    .summary('habiliter un utilisateur sur un CTN dans un rôle (les rôles : anonymat help grant)')
    .description(
      "habiliter un utilisateur sur un CTN dans un rôle ; l'habilitation vaut pour ce CTN seul",
    )
    .argument('<login>', "identifiant de l'utilisateur")
    .argument('<ctn>', 'code du CTN')
    .argument('<rôle>', ROLE_CHOICES)
    .requiredOption('--as <login>', 'administrateur')
    .action((login: string, code: string, typed: string, o: { as: string }, cmd: Command) =>
      withContext(async (c) => {
        const role = ROLES.find((r) => r === typed);
        if (role === undefined) {
          throw new AppError(
            'INVALID_ARGUMENT',
            `Rôle « ${typed} » inconnu ; rôles : ${ROLE_CHOICES}.`,
          );
        }
        await grant(c, o.as, login, code, role);
        say(`${login} habilité sur le CTN ${code} ; rôle : ${ROLE_LABELS[role]}.`);
      }, overridesOf(cmd)),
    );
}

function registerPeriodCommands(program: Command): void {
  withActor(
    program
      .command('period')
      .description("périodes d'anonymat")
      .command('add')
      .description("définir une période d'anonymat"),
  )
    .requiredOption('--code <code>', 'code de la période (par exemple JANV)')
    .requiredOption('--label <libellé>', 'libellé de la période (par exemple « janvier »)')
    .action((o: ActorOptions & { code: string; label: string }, cmd: Command) =>
      withContext(async (c) => {
        await addPeriod(c, o.as, {
          ctn: o.ctn,
          year: o.year ?? c.config.defaultYear,
          code: o.code,
          label: o.label,
        });
        say(`Période ${o.code} définie.`);
      }, overridesOf(cmd)),
    );

  withActor(
    program
      .command('modality')
      .description("modalités d'anonymat")
      .command('add')
      .description('gérer une épreuve sous anonymat dans une période'),
  )
    .requiredOption('--period <code>', "code de la période d'anonymat")
    .requiredOption('--object <code>', "code de l'enseignement")
    .option('--session <1|2>', 'session', '1')
    .option('--stage <admission|admissibility>', 'étape', 'admission')
    .option('--scale <barème>', 'barème', integer, 20)
    .action(
      (
        o: ActorOptions & {
          period: string;
          object: string;
          session: string;
          stage: string;
          scale: number;
        },
        cmd: Command,
      ) =>
        withContext(async (c) => {
          const ref = parseAssessmentRef(`${o.object}:${o.session}:${o.stage}`);
          await addModality(c, o.as, {
            ctn: o.ctn,
            year: o.year ?? c.config.defaultYear,
            period: o.period,
            ...ref,
            scale: o.scale,
          });
          say(`Modalité d'anonymat ${o.object} session ${ref.session} enregistrée.`);
        }, overridesOf(cmd)),
    );
}

function registerRuleCommands(program: Command): void {
  withActor(
    program
      .command('rule')
      .description('règles de numérotation')
      .command('add')
      .description('définir une règle de numérotation'),
  )
    .requiredOption('--code <code>', 'code de la règle')
    .option('--kind <sequential|random>', 'type', 'random')
    .option('--width <chiffres>', 'nombre de chiffres', integer, 6)
    .option('--prefix <texte>', 'préfixe', '')
    .option('--check <none|damm|verhoeff|luhn>', 'caractère de contrôle', 'none')
    .option('--start <n>', 'premier numéro', integer, 1)
    .action(
      (
        o: ActorOptions & {
          code: string;
          kind: string;
          width: number;
          prefix: string;
          check: string;
          start: number;
        },
        cmd: Command,
      ) =>
        withContext(async (c) => {
          const kind = oneOf<NumberingKind>(o.kind, ['sequential', 'random'], 'type');
          const check = oneOf<CheckKind>(o.check, ['none', 'damm', 'verhoeff', 'luhn'], 'contrôle');
          await addRule(c, o.as, {
            ctn: o.ctn,
            code: o.code,
            kind,
            width: o.width,
            prefix: o.prefix,
            check,
            start: o.start,
          });
          say(`Règle ${o.code} définie.`);
        }, overridesOf(cmd)),
    );
}

const ATTRIBUTION_LABELS: Record<Attribution, string> = {
  per_template: 'un numéro par étudiant pour toute la maquette',
  per_assessment: 'un numéro par épreuve',
};

function registerTemplateList(template: Command): void {
  template
    .command('list')
    .description("lister les maquettes d'anonymat d'un CTN et l'état de leurs épreuves")
    .requiredOption('--as <login>', 'utilisateur habilité sur le CTN')
    .requiredOption('--ctn <code>', 'CTN concerné')
    .option('--year <année>', 'année universitaire (2026 pour 2026/2027) ; toutes sinon', integer)
    .action((o: { as: string; ctn: string; year?: number }, cmd: Command) =>
      withContext(async (c) => {
        const templates = await listTemplates(c, o.as, o.ctn, o.year);
        if (templates.length === 0) {
          const when = o.year === undefined ? '' : ` pour ${academicYearLabel(o.year)}`;
          say(`Aucune maquette d'anonymat sur le CTN ${o.ctn}${when} (anonymat template add).`);
          return;
        }
        for (const t of templates) {
          say(
            `${t.code} — ${t.info.templateLabel} · ${academicYearLabel(t.year)} · période ` +
              `${t.info.periodLabel} · ${ATTRIBUTION_LABELS[t.attribution]}`,
          );
          for (const a of t.assessments) {
            say(
              `  ${a.info.objectCode} — ${a.info.objectLabel} · ${sessionLabel(a.info.session)} · ` +
                `${stageLabel(a.info.stage)} — état : ${stateLabel(a.state).toLowerCase()}`,
            );
          }
        }
      }, overridesOf(cmd)),
    );
}

function registerTemplateCommands(program: Command): void {
  const template = program.command('template').description("maquettes d'anonymat");
  registerTemplateList(template);
  withActor(template.command('add').description("définir une maquette d'anonymat"))
    .requiredOption('--code <code>', 'code de la maquette')
    .requiredOption('--label <libellé>', 'libellé de la maquette')
    .requiredOption('--period <code>', "code de la période d'anonymat")
    .requiredOption('--rule <code>', 'code de la règle de numérotation')
    .option(
      '--attribution <per_template|per_assessment>',
      'un numéro par maquette ou par épreuve',
      'per_template',
    )
    .requiredOption(
      '--assessments <liste>',
      'épreuves : OBJ[:session[:étape]] séparées par des virgules',
    )
    .option('--auto-newcomers', 'numéroter les nouveaux inscrits lors du traitement de nuit', false)
    .action(
      (
        o: ActorOptions & {
          code: string;
          label: string;
          period: string;
          rule: string;
          attribution: string;
          assessments: string;
          autoNewcomers: boolean;
        },
        cmd: Command,
      ) =>
        withContext(async (c) => {
          const attribution = oneOf<Attribution>(
            o.attribution,
            ['per_template', 'per_assessment'],
            'attribution',
          );
          const assessments = o.assessments.split(',').map((s) => parseAssessmentRef(s.trim()));
          await addTemplate(c, o.as, {
            ctn: o.ctn,
            year: o.year ?? c.config.defaultYear,
            code: o.code,
            label: o.label,
            period: o.period,
            rule: o.rule,
            attribution,
            autoNewcomers: o.autoNewcomers,
            assessments,
          });
          say(`Maquette ${o.code} définie (${assessments.length} épreuve(s)).`);
        }, overridesOf(cmd)),
    );
}
