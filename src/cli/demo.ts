// `npm run demo`: the whole cycle on the embedded defaults, in this checkout's inbox/outbox/var.
// `npm run demo -- --until V` stops once anonymity is validated and leaves a working sandbox;
// `--home <dossier>` runs it in that folder instead (empty, or a sandbox an earlier demo made).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverUrlsSet } from '../config/config.js';
import { log } from '../log.js';
import { assertUnlocked } from '../store/embedded-lock.js';
import { closeContext, runDemo } from './demo-run.js';

const checkout = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const maquette = path.resolve(checkout, '..', 'shared', 'samples', 'apogee-maquette-7W29.txt');
const fallback = path.resolve(checkout, 'test', 'fixtures', 'apogee-maquette-7W29.txt');

/** Stops with a French message on stderr and exit code 2, as every refused command does. */
/** The demo's word on lifted grades the maquette had no place for (none in its own data). */
function unplacedText(count: number | undefined): string {
  return count
    ? ` ; ${count} note(s) levée(s) sans colonne ni ligne dans la maquette, non exportée(s)`
    : '';
}

function refuse(message: string): never {
  process.stderr.write(`Refusé : ${message}\n`);
  process.exit(2);
}

const USAGE = [
  'Usage : npm run demo [-- --until V] [-- --home <dossier>]',
  '  Déroule tout le cycle d’anonymat sur des données générées, dans la base embarquée',
  '  (DATABASE_URL et REDIS_URL sont ignorés : la démonstration ne touche à aucun serveur).',
  '  --until V          s’arrête une fois l’anonymat validé, pour déposer vos propres fichiers ;',
  '  --home <dossier>   travaille dans ce dossier (nouveau, vide, ou d’une démonstration précédente)',
  '                     au lieu de ce dépôt.',
].join('\n');

/** `--until V` and `--home <dossier>`; anything else is refused rather than silently ignored. */
function demoOptions(args: readonly string[]): { until?: 'V'; home?: string } {
  const options: { until?: 'V'; home?: string } = {};
  if (args.some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  for (let i = 0; i < args.length; i += 2) {
    const [name, value] = [args[i], args[i + 1]];
    if (name === '--until' && value === 'V') {
      options.until = 'V';
    } else if (name === '--home' && value !== undefined && value !== '') {
      options.home = path.resolve(value);
    } else {
      refuse(
        `option de démonstration non reconnue : « ${args.slice(i).join(' ')} ». ` +
          'Options possibles : --until V (arrêt après validation), --home <dossier>.',
      );
    }
  }
  return options;
}

const { until, home } = demoOptions(process.argv.slice(2));
const ignoredUrls = serverUrlsSet();
if (ignoredUrls.length > 0) {
  // Said, not obeyed: the demo wipes and rebuilds its database, which must never be a site's.
  process.stdout.write(
    'DATABASE_URL / REDIS_URL ignorés : la démonstration utilise la base embarquée de son dossier.\n',
  );
}
const root = home ?? checkout;
const marker = path.join(root, 'var', 'demo.marker');

/** A folder the demo may wipe: this checkout, an empty or new folder, or an earlier demo's. */
function checkSandbox(): void {
  // Not while a process (anonymat run watching it, another demo) has the home's database open.
  try {
    assertUnlocked(path.join(root, 'var', 'pgdata'));
  } catch (error: unknown) {
    refuse(error instanceof Error ? error.message : String(error));
  }
  if (existsSync(marker)) {
    return;
  }
  if (existsSync(path.join(root, 'var'))) {
    refuse(
      `${root}/var contient des données qui ne viennent pas de la démonstration ; ` +
        'déplacez-les ou choisissez un autre dossier (--home).',
    );
  }
  if (home !== undefined && existsSync(home) && !statSync(home).isDirectory()) {
    refuse(`${home} n'est pas un dossier : donnez à --home un dossier vide ou nouveau.`);
  }
  if (home !== undefined && existsSync(home) && readdirSync(home).length > 0) {
    refuse(
      `le dossier ${home} n'est pas vide et n'a pas été créé par la démonstration : ` +
        'elle y effacerait inbox/, outbox/, archive/ et error/. Donnez un dossier vide ou nouveau.',
    );
  }
}

async function resetSandbox(): Promise<void> {
  checkSandbox();
  for (const folder of ['var', 'outbox', 'archive', 'error', 'inbox']) {
    await rm(path.join(root, folder), { recursive: true, force: true });
  }
  await mkdir(path.join(root, 'var'), { recursive: true });
  await writeFile(
    marker,
    'demo sandbox: `npm run demo` may wipe inbox/, outbox/, archive/, error/ and var/\n',
  );
  for (const folder of ['inbox', 'outbox']) {
    await mkdir(path.join(root, folder), { recursive: true });
    await writeFile(path.join(root, folder, '.gitkeep'), '');
  }
}

const started = Date.now();
await resetSandbox();
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const outcome = await runDemo({
  home: root,
  maquette: existsSync(maquette) ? maquette : fallback,
  students: 2400,
  until,
  log,
  say,
});
const c = outcome.counts;
const seconds = ((Date.now() - started) / 1000).toFixed(1);

say('Démonstration anonymat — résumé');
say(
  `  Fichiers du référentiel importés au départ : ${c.referentialFiles ?? 0} ` +
    '(maquette Apogée 7W29 + extraction générée)',
);
say(`  Étudiants au référentiel : ${c.students ?? 0}`);
say(`  Épreuves sous anonymat : ${c.assessments ?? 0} (2 CTN, 2 maquettes d'anonymat)`);
say(`  Numéros anonymes posés : ${c.numbers ?? 0}`);
say(`  Étiquettes : ${c.labels ?? 0} ; bordereaux de saisie : ${c.workbooks ?? 0}`);
say(
  `  Planches d'étiquettes PDF : ${c.pdfLabels ?? 0} étiquette(s), réserves comprises ` +
    `(${c.spares ?? 0} numéro(s) de réserve) ; listes d'émargement et bordereaux des copies`,
);
if (outcome.bound) {
  say(
    `  Étiquette de réserve ${outcome.bound.number} (${outcome.bound.objectCode}) attribuée à un ` +
      'étudiant inscrit au dernier moment (inscription-tardive.csv déposé au référentiel ; ' +
      'opération journalisée), puis imprimée',
  );
}
if (until === 'V') {
  say(
    "  Arrêt à l'état V. Déposez des fichiers dans inbox/<CTN>/<canal>/ puis lancez " +
      `« npx anonymat ${home === undefined ? '' : `--home ${home} `}run --once »` +
      (ignoredUrls.includes('DATABASE_URL')
        ? ', DATABASE_URL retiré de l’environnement (la démonstration est dans la base embarquée).'
        : '.'),
  );
} else {
  say(
    `  Fichiers de notes déposés : ${c.gradeFiles ?? 0} (bordereaux remplis + lecteur optique AMC) ; ` +
      `décisions de jury : ${c.juryDecisions ?? 0}`,
  );
  say(`  Fichiers traités par la boîte de dépôt : ${c.processed ?? 0}`);
  say(
    `  Notes enregistrées : ${c.grades ?? 0} ` +
      `(attendues : ${[...outcome.expected.values()].filter((g) => g.kind !== 'blank').length})`,
  );
  if (outcome.revealed) {
    say(
      `  Levée individuelle d'anonymat avant délibération : n° ${outcome.revealed} ` +
        '(motif journalisé, listée dans les PV)',
    );
  }
  say(
    '  PV anonymes puis nominatifs écrits (tableur et PDF, PV individuels compris) ; ' +
      `maquette Apogée remplie : ${c.apogeeFilled ?? 0} note(s)${unplacedText(c.apogeeUnplaced)}`,
  );
}
say(
  `  Fichiers écrits dans outbox/ : ${outcome.ctx?.outbox.written.length ?? 0} ; durée : ${seconds} s`,
);
if (outcome.ctx) {
  await closeContext(outcome.ctx);
}
