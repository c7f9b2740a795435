// Letters no Unicode decomposition takes to ASCII, and how a person types them without the letter.
// Every comparison of names that sets accents aside must set these aside too, or « ŒUVRARD » and
// « OEUVRARD » are two names: the identity scan of outputs (outputs/identity-parts.ts, and its SQL
// twin, migration 018) and the identity check of referentials (domain/identity.ts).

/**
 * Each letter and how it is written out (« ŒUVRARD » as « OEUVRARD », « Lætitia » as « Laetitia »,
 * « Ørsted » as « Orsted »). Migration 018 restates the list as it installed it.
 */
export const LETTERS_WRITTEN_OUT: ReadonlyMap<string, string> = new Map([
  ['Œ', 'OE'],
  ['œ', 'oe'],
  ['Æ', 'AE'],
  ['æ', 'ae'],
  ['Ø', 'O'],
  ['ø', 'o'],
  ['Ł', 'L'],
  ['ł', 'l'],
  ['Đ', 'D'],
  ['đ', 'd'],
  ['Ð', 'D'],
  ['ð', 'd'],
  ['Þ', 'TH'],
  ['þ', 'th'],
]);

const WRITTEN_OUT = new RegExp(`[${[...LETTERS_WRITTEN_OUT.keys()].join('')}]`, 'g');

/** `text` with each letter of LETTERS_WRITTEN_OUT written out, the rest as it is. */
export function writtenOut(text: string): string {
  return text.replace(WRITTEN_OUT, (letter) => LETTERS_WRITTEN_OUT.get(letter) ?? letter);
}
