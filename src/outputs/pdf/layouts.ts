// Sticker-sheet layouts and print settings. Print shops sell A4 sheets pre-cut in grids; the
// presets below are the common ones (dimensions in millimetres as printed on the packets), and a
// site can shift margins and gaps to match its own stock and printer.

import { AppError } from '../../domain/errors.js';

/** One A4 sheet of stickers: grid, label size, margins and gaps, all in millimetres. */
export interface LabelGrid {
  name: string;
  columns: number;
  rows: number;
  labelWidth: number;
  labelHeight: number;
  marginTop: number;
  marginLeft: number;
  /** Horizontal gap between two columns. */
  gapX: number;
  /** Vertical gap between two rows. */
  gapY: number;
}

/** Barcode symbology printed on the labels. */
export type Symbology = 'code128' | 'datamatrix' | 'none';

/** Print settings of a site (config `print`), each with its default. */
export interface PrintSettings {
  /** Name of the sticker grid (default "3x8"). */
  grid: string;
  /** Millimetres overriding the preset's margins and gaps, to match a printer's drift. */
  marginTop?: number;
  marginLeft?: number;
  gapX?: number;
  gapY?: number;
  /** Barcode on the labels (default "code128"). */
  symbology: Symbology;
  /** Anonymous PV: groups smaller than this get no statistics (default 5). */
  statisticsThreshold: number;
  /** Attendance sheets: one per room, or one per assessment (default "assessment"). */
  attendanceBy: 'room' | 'assessment';
}

/** Defaults of the print settings. */
export const DEFAULT_PRINT: PrintSettings = Object.freeze({
  grid: '3x8',
  symbology: 'code128',
  statisticsThreshold: 5,
  attendanceBy: 'assessment',
});

const A4_WIDTH = 210;
const A4_HEIGHT = 297;

/** Common A4 sticker grids. */
export const GRIDS: Readonly<Record<string, LabelGrid>> = Object.freeze({
  '3x8': grid('3x8', 3, 8, 70, 36, 4.5, 0, 0, 0),
  '3x7': grid('3x7', 3, 7, 70, 42.3, 0.7, 0, 0, 0),
  '2x7': grid('2x7', 2, 7, 99.1, 38.1, 15.15, 4.65, 2.5, 0),
  '3x7-63': grid('3x7-63', 3, 7, 63.5, 38.1, 15.15, 7.25, 2.5, 0),
  '2x8': grid('2x8', 2, 8, 105, 37, 0.5, 0, 0, 0),
  '3x10': grid('3x10', 3, 10, 70, 29.7, 0, 0, 0, 0),
});

function grid(
  name: string,
  columns: number,
  rows: number,
  labelWidth: number,
  labelHeight: number,
  marginTop: number,
  marginLeft: number,
  gapX: number,
  gapY: number,
): LabelGrid {
  return { name, columns, rows, labelWidth, labelHeight, marginTop, marginLeft, gapX, gapY };
}

/** The grid the settings name, with their margin and gap overrides; refused if it leaves A4. */
export function resolveGrid(
  settings: Pick<PrintSettings, 'grid' | 'marginTop' | 'marginLeft' | 'gapX' | 'gapY'>,
): LabelGrid {
  const preset = GRIDS[settings.grid];
  if (!preset) {
    throw new AppError(
      'INVALID_ARGUMENT',
      `Planche d'étiquettes inconnue « ${settings.grid} » : choisir parmi ${Object.keys(GRIDS).join(', ')}.`,
    );
  }

  const g: LabelGrid = {
    ...preset,
    marginTop: settings.marginTop ?? preset.marginTop,
    marginLeft: settings.marginLeft ?? preset.marginLeft,
    gapX: settings.gapX ?? preset.gapX,
    gapY: settings.gapY ?? preset.gapY,
  };
  const right = g.marginLeft + g.columns * g.labelWidth + (g.columns - 1) * g.gapX;
  const bottom = g.marginTop + g.rows * g.labelHeight + (g.rows - 1) * g.gapY;
  if (right > A4_WIDTH + 0.01 || bottom > A4_HEIGHT + 0.01 || g.marginTop < 0 || g.marginLeft < 0) {
    throw new AppError(
      'INVALID_ARGUMENT',
      `La planche « ${g.name} » dépasse la feuille A4 avec ces marges.`,
    );
  }
  return g;
}

/** Print settings from a parsed config value (unknown shape), defaults filled in, refused if wrong. */
export function parsePrintSettings(raw: unknown): PrintSettings {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const num = (key: string): number | undefined => {
    const v = o[key];
    if (v === undefined) {
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new AppError('INVALID_ARGUMENT', `print.${key} : nombre positif attendu.`);
    }
    return v;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = o[key] ?? fallback;
    if (!allowed.includes(v as T)) {
      throw new AppError('INVALID_ARGUMENT', `print.${key} : attendu ${allowed.join(' ou ')}.`);
    }
    return v as T;
  };

  const settings: PrintSettings = {
    grid: typeof o.grid === 'string' ? o.grid : DEFAULT_PRINT.grid,
    marginTop: num('marginTop'),
    marginLeft: num('marginLeft'),
    gapX: num('gapX'),
    gapY: num('gapY'),
    symbology: oneOf('symbology', ['code128', 'datamatrix', 'none'], DEFAULT_PRINT.symbology),
    statisticsThreshold: num('statisticsThreshold') ?? DEFAULT_PRINT.statisticsThreshold,
    attendanceBy: oneOf('attendanceBy', ['room', 'assessment'], DEFAULT_PRINT.attendanceBy),
  };
  resolveGrid(settings);
  return Object.freeze(settings);
}
