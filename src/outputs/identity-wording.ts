// Text the service writes by itself, which a last name alone must not be taken for (issue: a student
// called ALLEMAND blocked every output about « Allemand LV2 »). Two sources: the fixed French wording
// of the outputs (below, and every error message), and the referential the roster lookup returns
// (object, period, template, CTN labels and codes). A student number, an INE, a birth date or a full
// name (last and first name side by side) is never excused: only a last name on its own is.
// The price: a last name someone typed into a label on purpose (« Rattrapage DUPONT ») is excused
// like « Allemand LV2 »; with the first name, or the student number, it is caught.
import { ERROR_MESSAGES } from '../domain/errors.js';
import { STATE_LABELS } from '../domain/states.js';
import { sessionLabel, stageLabel } from './french.js';
import { receiptStatusFrench } from './receipt.js';

// The outputs' own headings, titles, labels and fixed sentences (outputs/*.ts, outputs/pdf/*.ts).
// Wording a builder adds without listing it here only loses the excuse (a student so named blocks
// the file, as before); test/outputs/identity-scan.test.ts takes every word of each anonymous
// workbook for a last name and fails when one is not excused.
const OUTPUT_WORDING = [
  'Accusé de réception',
  'Accusé masqué',
  'Admis',
  'Ajourné',
  'Année universitaire',
  'Anomalies à examiner',
  'Aucune erreur',
  'Aucune maquette',
  'Aucune note',
  'Aucune épreuve à délibérer',
  'Aucune étiquette à imprimer',
  'Barème',
  'Bordereau de saisie des notes',
  'Libellé de l’enseignement',
  'Saisissez dans la colonne « Note » une note de 0 à avec au plus deux décimales',
  'Laissez la cellule vide si la copie n’est pas encore notée',
  'N’ajoutez, ne supprimez et ne déplacez aucune ligne : chaque note doit rester en face de son numéro anonyme',
  'Attente (min)',
  'Bordereau des copies',
  'Canal',
  'Code',
  'Code épreuve',
  'Cohérence par épreuve',
  'Colonne',
  'Copie remise',
  'copies remises',
  'Date de naissance',
  'Dispensés',
  'Données',
  'Déposé le',
  'Dépôt',
  'Dépôts bloqués',
  'Empreinte SHA-256',
  'Empreinte des données affichées (SHA-256)',
  'Émargement',
  'Enregistrez le classeur au format Excel, sans mot de passe, puis déposez-le dans le dossier',
  'Un accusé de réception vous indiquera les notes retenues',
  'Enseignement',
  'Erreurs',
  'détail dans la feuille',
  'Explication',
  'Exécuté le',
  'Éditée par',
  'édité le',
  'Fait à le',
  'Feuille',
  'Fichier',
  'Fichiers déposés non terminés',
  'Fichiers repris dans la boîte de dépôt',
  'Grille de codage',
  'Identités révélées avant la levée de l’anonymat, sur demande motivée du gestionnaire',
  'Inscription pédagogique disparue',
  'IP disparue',
  'IP disparues',
  'Inscrits',
  'Le président du jury',
  'Les membres du jury',
  'Levée individuelle d’anonymat du n°',
  'Levées individuelles d’anonymat',
  'Ligne',
  'Lignes importées',
  'Lignes lues',
  'Lignes refusées',
  'Maquette',
  'Motif',
  'Moyenne des présents',
  'non publiées : moins de notes chiffrées (protection de l’anonymat)',
  'Note',
  'Note la plus basse',
  'Note la plus haute',
  'Note refusée',
  'Note sur',
  'Notes',
  'Notes saisies',
  'Notes sans numéro',
  'Numéro anonyme',
  'N° anonyme',
  'Numéros attribués aux nouveaux inscrits',
  'Numéros dont l’inscription pédagogique a disparu',
  'Numérotés',
  'Numérotés cette nuit',
  'numéro(s) · visa du surveillant',
  'étudiant(s) attendu(s) · présents · absents',
  'Observations',
  'La colonne Observations est libre',
  'Page',
  'Par',
  'Période',
  'période',
  'Planche d’étiquettes',
  'Pourquoi',
  'Présents (note chiffrée)',
  'Absents',
  'Procès-verbal de délibération',
  'Procès-verbal individuel',
  'PV de délibération',
  'PV individuel',
  'anonyme',
  'nominatif',
  'Que faire',
  'Rapport de rapprochement',
  'Reçu le',
  'Fichier enregistré le',
  'RÉSERVE',
  'Résultat',
  'Résumé',
  'Saisie des notes',
  'Saisissez une note de 0 à avec au plus deux décimales (par exemple 12,5), ou l’un des codes',
  'Saisissez dans la colonne une note de 0 à avec au plus deux décimales',
  'virgule ou point décimal selon votre tableur, par exemple 12,5, ou un code d’absence',
  'Une note de 0 à (deux décimales au plus) ou un code',
  'Sans note',
  'Sans numéro',
  'Session',
  'Signature',
  'Statistiques',
  'Statut',
  'Synthèse',
  'Taux de notes',
  'Taux de réussite (résultats)',
  'Toutes',
  'Toutes les épreuves de la maquette',
  'Traité le',
  'Valeur lue',
  'absence injustifiée',
  'absence justifiée',
  'défaillant',
  'démissionnaire',
  'dispensé',
  'Épreuve',
  'Épreuves',
  'Stade',
  'État',
  'État d’anonymat',
  'État d’avancement de l’anonymat',
  'Étiquettes',
  'Étudiants concernés',
  'CTN',
  'copie',
  'copies',
  'Opérations journalisées',
  // What exceljs writes into every workbook, and the validation formulas of the grade column.
  'Microsoft Excel Worksheets false true Normal _xlnm.Print_Titles _xlnm.Print_Area',
  'IF ISNUMBER AND OR ABS ROUND',
  // Absence codes, and the hidden fingerprint sheet of a grade-entry workbook.
  'ABI ABJ DEF DEM DIS',
  '_anonymat format anonymat-bordereau year templateId templateCode assessmentId numbersDigest mac',
  // Receipt summaries the channels write (channels/*.ts).
  'Fichier refusé : aucune note enregistrée. Corrigez les lignes listées puis déposez-le à nouveau.',
  'Fichier refusé : aucune note enregistrée. ' +
    "Corrigez le fichier comme l'indique l'erreur listée puis déposez-le à nouveau.",
  'Fichier refusé : aucune décision enregistrée',
  'note(s) enregistrée(s) sur ligne(s) lue(s)',
  'décision(s) enregistrée(s)',
  'Épreuve(s)',
  'écrivez la note en chiffres',
  "ligne(s) sans note : rien n'est enregistré pour elle(s), une note déjà enregistrée reste inchangée",
  "note(s) identique(s) à celle(s) déjà enregistrée(s) : rien n'a changé pour elle(s)",
  'donnée(s) par un fichier enregistré à la même heure que celui-ci : ' +
    'le fichier traité le dernier l’emporte, vérifiez que c’est le bon',
  "note(s) enregistrée(s) après la levée de l'anonymat : elles sont signalées au gestionnaire " +
    'dans la liste des notes modifiées après la levée',
  'copie(s) lue(s) deux fois avec la même note, enregistrée(s) une fois',
  'La dernière ligne du fichier ne se termine pas par un saut de ligne : ' +
    'vérifiez qu’elle est complète (voir les avis)',
  'Scores lus sur ramenés au barème de l’épreuve',
  'note(s) arrondie(s), listée(s) en avis',
  'listée(s) en avis, non détaillée(s) ici',
  'Maquette refusée : rien n’a été enregistré. Corrigez les lignes listées puis déposez-la à nouveau.',
  'Maquette refusée : elle porte des notes ou des résultats d’une épreuve sous anonymat validé',
  'Saisissez ces notes par numéro anonyme',
  'Maquette Apogée : étudiants, enseignements, codes résultat enregistrés',
  'Fichier refusé : aucune ligne importée. Corrigez les erreurs listées puis déposez-le à nouveau.',
  'étudiants, enseignements, inscriptions administratives et inscriptions pédagogiques importés',
  'note(s) et résultat(s) lus ; les cellules vides sont laissées telles quelles',
  // Error details of the channels (numbers.ts, readers/apogee-results.ts), and what a receipt
  // says of its annotated copy (annotated-copy.ts), with the places of an identity it would have
  // carried (gateway.ts).
  'Numéros probables',
  "aucun code résultat n'est admis pour l'instant, ni configuré (resultCodes de config/anonymat.json) " +
    "ni lu d'une maquette Apogée",
  "demandez à l'administrateur du service de les configurer, ou déposez dans le dossier " +
    "referentiel la maquette Apogée de l'épreuve, puis déposez ce fichier à nouveau",
  'Pas de copie annotée : le refus porte sur le fichier entier et non sur des lignes, ' +
    'il n’y a donc aucune cellule à marquer.',
  'Fichier de plus de lignes : pas de copie annotée, les lignes en erreur sont listées dans cet accusé.',
  'Pas de copie annotée : le fichier n’a pas pu être relu pour la produire',
  'Pas de copie annotée : elle contiendrait un identifiant d’un étudiant d’une épreuve sous anonymat',
  'Retirez-le du fichier avant de le déposer à nouveau',
  'Pas de copie annotée : ce fichier porte par nature des identités d’étudiants, ' +
    'dont certains ont une épreuve sous anonymat, et aucune copie n’en est faite',
  'Pas de copie annotée pour une maquette Apogée',
  'nom de famille numéro d’étudiant date de naissance feuille cellule en-tête nom du fichier',
  // Details a receipt adds to a code's message (channels/grade-store.ts).
  'Avant : ; maintenant :',
  'Les deux fichiers portent la même heure d’enregistrement : ' +
    'celui traité le dernier l’emporte, vérifiez que c’est le bon',
  // Receipt JSON keys and values (outputs/receipt.ts), outbox folders and file kinds.
  'file sha256 ctn channel status receivedAt savedAt processedAt rows read imported rejected errors row',
  'column value code message summary partial duplicate',
  'referentiel notes lecteur-optique jury',
  'accuses etiquettes bordereaux confidentiel controle deliberation emargement apogee',
  'receipt accuse annote pv-anonyme pv-individuels modalites rapprochement xlsx json pdf csv',
];

/** Every phrase the service writes by itself, in the form the scan compares (`words`). */
export function serviceWording(): string[] {
  return [
    ...OUTPUT_WORDING,
    ...Object.values(ERROR_MESSAGES),
    ...Object.keys(ERROR_MESSAGES),
    ...Object.values(STATE_LABELS),
    sessionLabel(1),
    sessionLabel(2),
    stageLabel('admissibility'),
    stageLabel('admission'),
    ...(['imported', 'partial', 'rejected', 'duplicate'] as const).map(receiptStatusFrench),
  ];
}

/** A word that is no one's name: a number, a code with digits, two letters, a hex fingerprint group. */
function neutral(word: string): boolean {
  return word.length <= 2 || /\d/.test(word) || /^[A-F]{4,}$/.test(word);
}

/**
 * Known text, split into words: phrases of two words or more excuse a last name written inside
 * them wherever they are; single words (and the words of the fixed wording) only excuse it in a
 * unit made of nothing but known text, numbers and codes (a label cell, a title, a header).
 */
export class KnownText {
  private readonly phrases = new Map<string, string[][]>();
  private readonly single = new Set<string>();

  /** `service`: words of the fixed wording, known alone; `phrases`: referential texts and wording. */
  constructor(phrases: Iterable<string[]>, service: Iterable<string[]> = []) {
    for (const phrase of phrases) {
      this.add(phrase);
    }
    for (const phrase of service) {
      this.add(phrase);
      phrase.forEach((word) => this.single.add(word));
    }
  }

  private add(phrase: string[]): void {
    const first = phrase[0];
    if (first === undefined) {
      return;
    }
    if (phrase.length === 1) {
      this.single.add(first);
      return;
    }
    const same = this.phrases.get(first) ?? [];
    same.push(phrase);
    this.phrases.set(first, same);
  }

  /** Whether every occurrence of `needle` in `unit` (both as word lists) is known text. */
  excuses(unit: string[], needle: string[]): boolean {
    const covered = new Array<boolean>(unit.length).fill(false);
    unit.forEach((word, i) => {
      for (const phrase of this.phrases.get(word) ?? []) {
        if (phrase.every((w, k) => unit[i + k] === w)) {
          covered.fill(true, i, i + phrase.length);
        }
      }
    });
    const starts = unit.flatMap((_w, i) => (needle.every((w, k) => unit[i + k] === w) ? [i] : []));
    const inNeedle = new Array<boolean>(unit.length).fill(false);
    starts.forEach((i) => inNeedle.fill(true, i, i + needle.length));
    // The name itself must be known text there: a number or a code excuses its neighbours only.
    const known = (word: string, i: number): boolean =>
      covered[i] === true || this.single.has(word) || (!inNeedle[i] && neutral(word));
    if (unit.every(known)) {
      return true;
    }
    return starts.every((i) => covered.slice(i, i + needle.length).every(Boolean));
  }
}
