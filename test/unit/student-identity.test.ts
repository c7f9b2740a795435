// The rule telling a corrected identity from another person under the same student number
// (domain/identity.ts): what an exam office would call a correction goes through, two facts that
// no longer agree make another person.
import { describe, expect, it } from 'vitest';
import {
  compareIdentities,
  fieldsSpelledOtherwise,
  mergedIdentity,
  type StudentIdentity,
} from '../../src/domain/identity.js';

const LEA: StudentIdentity = {
  lastName: 'MARTIN',
  firstName: 'Léa',
  birthDate: '2002-01-01',
  ine: '0123456789A',
};

const given = (change: Partial<StudentIdentity>): StudentIdentity => ({ ...LEA, ...change });

describe('compareIdentities', () => {
  it.each<[string, Partial<StudentIdentity>, string[]]>([
    ['an accent added', { lastName: 'MARTÍN' }, ['lastName']],
    ['the case changed', { lastName: 'Martin', firstName: 'LÉA' }, ['lastName', 'firstName']],
    ['a married name', { lastName: 'DURAND' }, ['lastName']],
    ['a usage name added', { lastName: 'MARTIN DURAND' }, ['lastName']],
    ['a typo in the first name', { firstName: 'Lééa' }, ['firstName']],
    ['a compound first name', { firstName: 'Marie-Léa' }, ['firstName']],
    ['a slip in both names', { lastName: 'MATRIN', firstName: 'Lea' }, ['lastName', 'firstName']],
    ['a birth date typed wrong', { birthDate: '2002-01-10' }, ['birthDate']],
    [
      'a married name vouched for by the INE alone',
      { lastName: 'DURAND', birthDate: '' },
      ['lastName'],
    ],
    [
      'a usage first name vouched for by the INE',
      { firstName: 'Noé', birthDate: '' },
      ['firstName'],
    ],
    // Found by a new user's trial: an INE typed with a space and in lower case was another INE.
    [
      'a usage first name vouched for by the INE typed with spaces, in lower case',
      { firstName: 'Noé', birthDate: '', ine: ' 0123 456789a' },
      ['firstName'],
    ],
    [
      'the case changed, nothing to vouch for it',
      { lastName: 'Martin', birthDate: '', ine: '' },
      ['lastName'],
    ],
  ])('takes %s for a correction', (_, change, changed) => {
    const result = compareIdentities(LEA, given(change));

    expect(result.otherPerson).toBe(false);
    expect(result.changed).toEqual(changed);
  });

  it.each<[string, Partial<StudentIdentity>]>([
    ['last and first names both changed', { lastName: 'DURAND', firstName: 'Paul' }],
    ['a married name with another birth date', { lastName: 'DURAND', birthDate: '2003-02-02' }],
    ['another first name and birth date', { firstName: 'Paul', birthDate: '2003-02-02' }],
    ['another first name and INE', { firstName: 'Paul', ine: '9876543210Z' }],
    // Found by a new user's trial: a different David took over THOMAS David's grades.
    [
      'another last name with nothing to vouch for it',
      { lastName: 'LEROY', birthDate: '', ine: '' },
    ],
    [
      'another first name with nothing to vouch for it',
      { firstName: 'Paul', birthDate: '', ine: '' },
    ],
    // Found by a new user's trial: MARTINEZ Lucas took over his twin MARTINEZ Sofia's grades.
    ['another first name vouched for by the birth date alone', { firstName: 'Paul', ine: '' }],
    ['a part added to the first name, the birth date alone', { firstName: 'Léa-Rose', ine: '' }],
    ['a letter added to the first name, the birth date alone', { firstName: 'Léah', ine: '' }],
  ])('takes %s for another person', (_, change) => {
    expect(compareIdentities(LEA, given(change)).otherPerson).toBe(true);
  });

  it('sees no change in fields the file leaves blank', () => {
    const blank = { lastName: 'MARTIN', firstName: '', birthDate: null, ine: null };

    expect(compareIdentities(LEA, blank)).toEqual({
      changed: [],
      disagreeing: [],
      otherPerson: false,
    });
  });

  it('takes a name typed without Œ or Æ for the same name, whatever else the file gives', () => {
    const stored = { lastName: 'ŒUVRARD', firstName: 'Lætitia', birthDate: null, ine: null };
    const typed = { lastName: 'OEUVRARD', firstName: 'LAETITIA', birthDate: null, ine: null };

    // Before, « Œ » counted as a letter of its own: two edits apart, nothing to vouch, another person.
    expect(compareIdentities(stored, typed)).toMatchObject({ disagreeing: [], otherPerson: false });
    expect(compareIdentities(typed, stored).otherPerson).toBe(false);
    expect(fieldsSpelledOtherwise(stored, typed)).toEqual([]);
  });

  it('names the first name of a twin among the facts that disagree, a slip apart or not', () => {
    const louis = { lastName: 'MARTIN', firstName: 'Louis', birthDate: '2003-05-05', ine: null };

    // Found by a new user's trial: Louise took over Louis's number as « a slip in the first name ».
    expect(compareIdentities(louis, { ...louis, firstName: 'Louise' })).toEqual({
      changed: ['firstName'],
      disagreeing: ['firstName'],
      otherPerson: true,
    });
    expect(compareIdentities(louis, { ...louis, firstName: 'LOUIS' }).otherPerson).toBe(false);
  });

  it('takes a name of three letters changed for another name, not a slip', () => {
    expect(compareIdentities(LEA, given({ firstName: 'Léo' })).disagreeing).toEqual(['firstName']);
  });

  it('keeps the stored fields a file leaves blank', () => {
    const merged = mergedIdentity(LEA, {
      lastName: 'Martin',
      firstName: ' ',
      birthDate: null,
      ine: null,
    });

    expect(merged).toEqual({ ...LEA, lastName: 'Martin' });
  });
});

describe('fieldsSpelledOtherwise', () => {
  it('names the fields a maquette gives otherwise, case, accents and blanks aside', () => {
    const placeholder = { lastName: 'AAA BBB', firstName: '', birthDate: '2002-01-01', ine: null };
    const spelled = { lastName: 'martín', firstName: 'LEA', birthDate: null, ine: '0123456789a' };

    expect(fieldsSpelledOtherwise(LEA, placeholder)).toEqual(['lastName']);
    expect(fieldsSpelledOtherwise(LEA, spelled)).toEqual([]);
    expect(fieldsSpelledOtherwise({ ...LEA, birthDate: null }, given({}))).toEqual([]);
  });
});
