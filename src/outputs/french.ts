// French wording shared by every output: academic years, sessions, stages, states, dates and
// numbers as a university user reads them. One place, so that two outputs never word the same
// thing differently.

import { STATE_LABELS } from '../domain/states.js';
import type { AnonymityState, Session, Stage } from '../domain/types.js';
import type { AssessmentInfo, TemplateInfo } from './types.js';

// Dates are shown in metropolitan French time whatever the server's zone (containers run in UTC).
// TODO(issue 6 follow-up): read the zone from config/anonymat.json (`displayTimeZone`) when the first
// overseas university (Antilles, Réunion, Nouvelle-Calédonie) deploys; until then Europe/Paris holds.
/** Time zone in which dates and times are shown. */
export const DISPLAY_TIME_ZONE = 'Europe/Paris';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

const DATE_FORMAT = new Intl.DateTimeFormat('fr-FR', {
  timeZone: DISPLAY_TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

const TIME_FORMAT = new Intl.DateTimeFormat('fr-FR', {
  timeZone: DISPLAY_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
});

const TIME_SECONDS_FORMAT = new Intl.DateTimeFormat('fr-FR', {
  timeZone: DISPLAY_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** "2026/2027" for the academic year starting in 2026. */
export function academicYearLabel(year: number): string {
  return `${year}/${year + 1}`;
}

/** "Session 1" or "Session 2 (rattrapage)". */
export function sessionLabel(session: Session): string {
  return session === 1 ? 'Session 1' : 'Session 2 (rattrapage)';
}

/** "Admissibilité" or "Admission". */
export function stageLabel(stage: Stage): string {
  return stage === 'admissibility' ? 'Admissibilité' : 'Admission';
}

/** "Initial", "Posé", "Validé" or "Levé". */
export function stateLabel(state: AnonymityState): string {
  const label = STATE_LABELS[state];

  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** A number written the French way: "12,5", "20". */
export function frenchNumber(n: number): string {
  return String(n).replace('.', ',');
}

/**
 * "jj/mm/aaaa" for an ISO date or timestamp; a bare `yyyy-mm-dd` is a calendar date (a birth
 * date) and is never shifted by a time zone. Unreadable input is returned unchanged.
 */
export function frenchDate(iso: string): string {
  const bare = DATE_ONLY.exec(iso);
  if (bare) {
    return `${bare[3]}/${bare[2]}/${bare[1]}`;
  }

  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }

  return DATE_FORMAT.format(date);
}

/** "jj/mm/aaaa à hh:mm" for an ISO timestamp. Unreadable input is returned unchanged. */
export function frenchDateTime(iso: string): string {
  const date = new Date(iso);
  if (DATE_ONLY.test(iso) || Number.isNaN(date.getTime())) {
    return frenchDate(iso);
  }

  return `${DATE_FORMAT.format(date)} à ${TIME_FORMAT.format(date)}`;
}

/** "jj/mm/aaaa à hh:mm:ss": where seconds tell two times apart (a file's last save). */
export function frenchDateTimeSeconds(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }

  return `${DATE_FORMAT.format(date)} à ${TIME_SECONDS_FORMAT.format(date)}`;
}

/** "Maquette JAN-L1 — Examens de janvier · période janvier · CTN SCI · 2026/2027". */
export function templateLine(t: TemplateInfo): string {
  return (
    `Maquette ${t.templateCode} — ${t.templateLabel} · période ${t.periodLabel} · ` +
    `CTN ${t.ctn} · ${academicYearLabel(t.year)}`
  );
}

/** "Épreuve UE101 — Analyse 1 · Session 1 · Admissibilité · barème /20". */
export function assessmentLine(a: AssessmentInfo): string {
  return (
    `Épreuve ${a.objectCode} — ${a.objectLabel} · ${sessionLabel(a.session)} · ` +
    `${stageLabel(a.stage)} · barème /${frenchNumber(a.scale)}`
  );
}
