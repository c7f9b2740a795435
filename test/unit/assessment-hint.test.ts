// Which assessment a number's grade is for, when its template gives one number per student for
// several assessments: the refusal says how to name it where the grade came from, a file (a
// « Code épreuve » column, the code in its name) or the command line (--object).
import { describe, expect, it } from 'vitest';
import { assessmentFor } from '../../src/channels/numbers.js';
import type { LoadedTemplate } from '../../src/services/lookups.js';

function assessment(assessmentId: number, objectCode: string) {
  return {
    info: { assessmentId, objectCode, session: 1 },
    objectId: assessmentId,
    state: 'V',
  };
}

const template = {
  id: 1,
  assessments: [assessment(11, 'MAT101'), assessment(12, 'MAT102')],
} as unknown as LoadedTemplate;
const holder = {
  number: '123456',
  studentNumber: '00000001',
  templateId: 1,
  assessmentId: null,
  year: 2026,
  heldElsewhere: false,
};

describe('an assessment not told by the number', () => {
  it('asks a file for a « Code épreuve » column or the code in its name', () => {
    const found = assessmentFor(template, holder, { fileName: 'notes.csv' });

    expect(found).toEqual({
      code: 'ASSESSMENT_AMBIGUOUS',
      detail:
        '(colonne « Code épreuve » (ou « Code élément »), ou code dans le nom du fichier, parmi MAT101, MAT102)',
    });
  });

  it('asks the command line for --object, and takes the file name for nothing there', () => {
    const typed = assessmentFor(template, holder, { fileName: null });
    const named = assessmentFor(template, holder, { fileName: null, objectCode: 'mat102' });

    expect(typed).toEqual({
      code: 'ASSESSMENT_AMBIGUOUS',
      detail: '(option --object <code>, parmi MAT101, MAT102)',
    });
    expect(named).toMatchObject({ info: { objectCode: 'MAT102' } });
  });

  it('says an assessment named but not of the template is unknown', () => {
    expect(assessmentFor(template, holder, { fileName: null, objectCode: 'BIO101' })).toMatchObject(
      { code: 'ASSESSMENT_UNKNOWN' },
    );
  });

  it('still finds the assessment a file names in its name', () => {
    expect(assessmentFor(template, holder, { fileName: 'notes-MAT101.csv' })).toMatchObject({
      info: { assessmentId: 11 },
    });
  });

  it('refuses a number whose template serves none of the exams a file is named after', () => {
    const single = { id: 2, assessments: [assessment(21, 'BIO101')] } as unknown as LoadedTemplate;
    const hint = { fileName: 'notes-MAT101.csv', namedCodes: ['MAT101'] };

    expect(assessmentFor(single, holder, hint)).toEqual({
      code: 'NUMBER_OTHER_ASSESSMENT',
      detail: "(numéro de l'épreuve BIO101, fichier nommé pour MAT101)",
    });
    expect(
      assessmentFor(template, holder, { fileName: 'BIO101.csv', namedCodes: ['BIO101'] }),
    ).toEqual({
      code: 'NUMBER_OTHER_ASSESSMENT',
      detail: '(numéro des épreuves MAT101, MAT102, fichier nommé pour BIO101)',
    });
    expect(assessmentFor(single, holder, { fileName: 'notes.csv', namedCodes: [] })).toMatchObject({
      info: { assessmentId: 21 },
    });
  });

  it('lets a « Code épreuve » column decide over the file name', () => {
    const hint = { fileName: 'notes-MAT101.csv', namedCodes: ['MAT101'], objectCode: 'MAT102' };

    expect(assessmentFor(template, holder, hint)).toMatchObject({ info: { assessmentId: 12 } });
  });
});
