// The orders in which outputs list their rows: anonymous numbers as a person counts them, names
// as a French directory sorts them.

const NUMBER_ORDER = new Intl.Collator('fr-FR', { numeric: true, sensitivity: 'base' });

const NAME_ORDER = new Intl.Collator('fr-FR', { sensitivity: 'base', ignorePunctuation: true });

/** Compares anonymous numbers in counting order ("00042" before "00100", "A9" before "A10"). */
export function compareNumbers(a: string, b: string): number {
  return NUMBER_ORDER.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Someone a named output lists. */
interface Person {
  lastName: string;
  firstName: string;
  studentNumber: string;
}

/** Compares people by last name, then first name (accents and case ignored), then student number. */
export function compareNames(a: Person, b: Person): number {
  return (
    NAME_ORDER.compare(a.lastName, b.lastName) ||
    NAME_ORDER.compare(a.firstName, b.firstName) ||
    compareNumbers(a.studentNumber, b.studentNumber)
  );
}

/** The fields of an assessment that order reports. */
interface AssessmentKey {
  objectCode: string;
  session: number;
  stage: 'admissibility' | 'admission';
}

/** Compares assessments by object code, then session, then admissibility before admission. */
export function compareAssessments(a: AssessmentKey, b: AssessmentKey): number {
  const stageRank = (k: AssessmentKey): number => (k.stage === 'admissibility' ? 0 : 1);

  return (
    NAME_ORDER.compare(a.objectCode, b.objectCode) ||
    a.session - b.session ||
    stageRank(a) - stageRank(b)
  );
}
