// What `anonymat pose` prints: numbers given, population, states, and for a session 2 who was left
// out as passed in session 1 and who is numbered without a session-1 result.
import type { PoseOutcome } from '../services/anonymity.js';
import type { Session2Count } from '../services/pose-population.js';

/** « ADM, ADJ ou VAL ». */
function codesText(codes: readonly string[]): string {
  return codes.length < 2 ? codes.join('') : `${codes.slice(0, -1).join(', ')} ou ${codes.at(-1)}`;
}

function session2Sentence(count: Session2Count, passingCodes: readonly string[]): string {
  const head =
    `Session 2 de ${count.objectCode} : ${count.passedSession1} étudiant(s) écarté(s), ` +
    `admis en session 1 (résultat ${codesText(passingCodes)})`;
  if (count.withoutSession1Result === 0) {
    return `${head}.`;
  }
  return (
    `${head} ; ${count.withoutSession1Result} étudiant(s) sans décision du jury de session 1 ` +
    '(pas de note, une absence, ou une note sans décision), compté(s) comme non admis : ' +
    "vérifiez qu'aucune décision ne manque au fichier du jury de session 1."
  );
}

/** The French lines printed after a pose. */
export function poseSummary(out: PoseOutcome, passingCodes: readonly string[]): string {
  const states = out.states.map((s) => `${s.objectCode} ${s.state}`).join(', ');
  const lines = [
    `${out.numbered} numéro(s) attribué(s) ; population ${out.population} ; états : ${states}.`,
  ];
  return lines.concat(out.session2.map((c) => session2Sentence(c, passingCodes))).join('\n');
}
