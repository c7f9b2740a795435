// Plain inputs shared by the output tests: a template, assessments with accented labels, numbers.
import type { AssessmentInfo, TemplateInfo } from '../../src/outputs/types.js';

/** A template as the outputs show it. */
export const TEMPLATE: TemplateInfo = {
  templateId: 7,
  templateCode: 'L1-JANV',
  templateLabel: 'Licence 1 — janvier',
  ctn: 'SCIENCES',
  year: 2026,
  periodLabel: 'Examens de janvier',
};

/** An assessment whose label needs every French glyph a standard font must carry. */
export function assessment(id: number, code: string, label: string): AssessmentInfo {
  return {
    assessmentId: id,
    objectCode: code,
    objectLabel: label,
    session: 1,
    stage: 'admission',
    year: 2026,
    scale: 20,
  };
}

/** `count` numbers of the shape `S` + seven digits, deliberately not in order. */
export function numbers(count: number): string[] {
  return Array.from(
    { length: count },
    (_, k) => `S${String((k * 7_919) % 9_999_999).padStart(7, '0')}`,
  );
}
