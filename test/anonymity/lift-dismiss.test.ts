// A stray file dropped in a CTN's grade folders (another exam's file, a renamed PDF) is refused
// whole: nothing tells which assessment it was about, so it holds back the lift of every template
// of the CTN. The CTN's anonymity manager closes it (« classer sans suite »), with a reason, in
// the audit log; the lift refusal names where such a file went; a later drop under the same name
// counts again. Runs on PGlite, and on Postgres too when DATABASE_URL is set.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lift, validate } from '../../src/services/anonymity.js';
import { dismissFile } from '../../src/services/dismiss.js';
import { requestLift, setLiftConditions } from '../../src/services/reveal.js';
import { addUser, grant } from '../../src/services/setup.js';
import { verifyAudit } from '../../src/store/audit.js';
import { YEAR, drop, worldFor } from '../db/channels-world.js';
import { DATABASE_TARGETS } from '../support/postgres.js';
import {
  AT,
  CLEAN_IMPORTS,
  csv,
  outcomes as outcomesOf,
  runIntake as runIntakeOf,
} from './lift-files.js';
import { refusal } from './world.js';

const REASON = 'copies scannées de la session de septembre, déposées ici par erreur';

interface AuditRow {
  actor: string;
  action: string;
  subject: Record<string, unknown>;
}

describe.each(DATABASE_TARGETS)('dismissing a stray grade file on $name', (target) => {
  const world = worldFor(target, 'dismiss');
  const janv = { ctn: 'A', year: YEAR, code: 'A-JANV' };
  const admi = { ctn: 'A', year: YEAR, code: 'A-ADMI' };
  /** Where the first stray file went, as the lift refusal named it. */
  let firstWhere = '';

  const runIntake = (): Promise<void> => runIntakeOf(world().ctx);
  const outcomes = (name: string): Promise<string[]> => outcomesOf(world().ctx, name);
  const auditOf = async (action: string): Promise<AuditRow[]> =>
    (
      (await world().ctx.db('audit_log').where({ action }).orderBy('seq')) as Array<
        AuditRow & { subject: AuditRow['subject'] | string }
      >
    ).map((r) => ({
      ...r,
      subject:
        typeof r.subject === 'string' ? (JSON.parse(r.subject) as AuditRow['subject']) : r.subject,
    }));

  beforeAll(async () => {
    const { ctx } = world();
    await validate(ctx, 'gest-A', admi);
    await setLiftConditions(ctx, 'gest-A', janv, CLEAN_IMPORTS);
    await setLiftConditions(ctx, 'gest-A', admi, CLEAN_IMPORTS);
    await addUser(ctx, 'admin', 'scol-A', 'Scolarité A', false);
    await grant(ctx, 'admin', 'scol-A', 'A', 'grade_office');
  });

  it('holds back every template, names where the file went, and is closed by the manager only', async () => {
    const { ctx, home } = world();
    const pdf = '%PDF-1.7\n% copies scannées\n1 0 obj << >> endobj\n';
    await drop(ctx, 'A', 'notes', 'scan-copies.pdf', pdf);
    await runIntake();
    expect(await outcomes('scan-copies.pdf')).toEqual(['rejected']);

    const janvBlocked = await refusal(requestLift(ctx, 'gest-A', janv));
    const admiBlocked = await refusal(requestLift(ctx, 'gest-A', admi));
    const moved = new RegExp(
      `inbox/A/notes/scan-copies\\.pdf \\(${AT}, refusé\\), rangé à l’import dans ` +
        '(error/A/notes/\\d+-[0-9a-f]{8}-scan-copies\\.pdf)',
    ).exec(admiBlocked.message);
    const notManager = await refusal(dismissFile(ctx, 'scol-A', 'A', 'scan-copies.pdf', REASON));
    const otherCtn = await refusal(dismissFile(ctx, 'gest-B', 'A', 'scan-copies.pdf', REASON));
    const noReason = await refusal(dismissFile(ctx, 'gest-A', 'A', 'scan-copies.pdf', 'erreur'));
    const stillBlocked = await refusal(requestLift(ctx, 'gest-A', admi));

    expect(janvBlocked.message).toContain('scan-copies.pdf');
    expect(admiBlocked.message).toContain(
      "1 de ces fichiers ne dit pas quelle épreuve il concerne (rien n'en a été importé) : il compte pour toutes les maquettes du CTN",
    );
    expect(admiBlocked.message).toContain(
      'pour classer sans suite un fichier déposé par erreur, le gestionnaire de l\'anonymat lance anonymat intake dismiss <fichier> --ctn A --reason "<motif>" --as <identifiant>',
    );
    // The path named is where the file is: the bytes dropped, under the service's home.
    const where = moved?.[1] ?? 'not named';
    firstWhere = where;
    expect(await readFile(path.join(home, where), 'utf8')).toBe(pdf);
    expect(existsSync(path.join(home, 'inbox', 'A', 'notes', 'scan-copies.pdf'))).toBe(false);
    expect(notManager.code).toBe('NOT_MANAGER');
    expect(notManager.message).toContain(
      "classement sans suite d'un fichier refusé ou importé en partie ; CTN : A",
    );
    expect(otherCtn.code).toBe('NOT_HABILITATED');
    expect(noReason.code).toBe('DISMISS_REASON_REQUIRED');
    expect(noReason.message).toContain(
      'exige un motif (--reason), d’au moins 10 caractères : il est gardé dans le journal d’audit. (motif donné : 6 caractère(s))',
    );
    expect(stillBlocked.code).toBe('LIFT_CONDITIONS_UNMET');
    expect((await auditOf('refused')).map((r) => [r.actor, r.subject.operation])).toEqual(
      expect.arrayContaining([
        ['scol-A', 'intake_dismiss'],
        ['gest-B', 'intake_dismiss'],
      ]),
    );
    expect(await auditOf('intake_dismiss')).toEqual([]);

    // The manager copies the path the refusal gave.
    const done = await dismissFile(ctx, 'gest-A', 'A', where, REASON);
    const again = await dismissFile(ctx, 'gest-A', 'A', 'notes/scan-copies.pdf', REASON);
    await requestLift(ctx, 'gest-A', janv);
    const dismissals = await auditOf('intake_dismiss');

    expect(done).toEqual({
      line: expect.stringContaining(where) as string,
      already: false,
      stillRecorded: 0,
    });
    expect(again.already).toBe(true);
    expect(dismissals).toHaveLength(1);
    expect(dismissals[0]?.actor).toBe('gest-A');
    expect(dismissals[0]?.subject).toMatchObject({
      channel: 'notes',
      status: 'rejected',
      reason: REASON,
    });
    expect(await verifyAudit(ctx.db)).toMatchObject({ ok: true });
  });

  it('counts again when another file comes under the same name', async () => {
    const { ctx } = world();
    await drop(ctx, 'A', 'notes', 'scan-copies.pdf', '%PDF-1.7\n% un autre scan\n');
    await runIntake();
    const blocked = await refusal(requestLift(ctx, 'gest-A', admi));
    const replaced = await refusal(dismissFile(ctx, 'gest-A', 'A', firstWhere, REASON));

    await dismissFile(ctx, 'gest-A', 'A', 'scan-copies.pdf', REASON);
    await requestLift(ctx, 'gest-A', admi);

    expect(await outcomes('scan-copies.pdf')).toEqual(['rejected', 'rejected']);
    expect(blocked.message).toContain(
      '(1 fichier(s) de notes ou de résultats refusé(s) ou partiel(s) non corrigé(s) : inbox/A/notes/scan-copies.pdf',
    );
    expect(replaced.message).toContain(
      'un dépôt plus récent sous le même nom le remplace : inbox/A/notes/scan-copies.pdf',
    );
    expect(await auditOf('intake_dismiss')).toHaveLength(2);
  });

  it('refuses to close a file that is not open, and asks for the folder when the name is in two', async () => {
    const { ctx, numbers } = world();
    await drop(
      ctx,
      'A',
      'notes',
      'notes-mat102.csv',
      csv(['N° anonyme;Note', ...numbers.mat102.map((n) => `${n.number};12`)]),
    );
    await drop(ctx, 'A', 'jury', 'lot.csv', 'PK\u0003\u0004pas un classeur');
    await drop(ctx, 'A', 'lecteur-optique', 'lot.csv', 'PK\u0003\u0004pas un classeur non plus');
    await runIntake();
    expect(await outcomes('notes-mat102.csv')).toEqual(['imported']);

    const imported = await refusal(dismissFile(ctx, 'gest-A', 'A', 'notes-mat102.csv', REASON));
    const unknown = await refusal(dismissFile(ctx, 'gest-A', 'A', 'jamais-vu.csv', REASON));
    const wrongCtn = await refusal(dismissFile(ctx, 'gest-A', 'A', 'inbox/B/jury/lot.csv', REASON));
    const twoFolders = await refusal(dismissFile(ctx, 'gest-A', 'A', 'lot.csv', REASON));
    const jury = await dismissFile(ctx, 'gest-A', 'A', 'inbox/A/jury/lot.csv', REASON);
    const stillOpen = await refusal(lift(ctx, 'gest-A', admi));

    expect(imported.message).toContain("a été importé : il n'y a rien à classer");
    expect(unknown.message).toContain('aucun fichier de notes ou de résultats de ce nom');
    expect(wrongCtn.message).toContain('dans le dossier du CTN B, pas de A');
    expect(twoFolders.message).toContain('précisez le dossier, par exemple');
    expect(jury.line).toMatch(
      /^inbox\/A\/jury\/lot\.csv .*, rangé à l’import dans error\/A\/jury\//,
    );
    expect(stillOpen.message).toContain('inbox/A/lecteur-optique/lot.csv');
    expect(stillOpen.message).not.toContain('inbox/A/jury/lot.csv');
  });

  it('says how many grades a partly imported file dismissed still has recorded', async () => {
    const { ctx, numbers } = world();
    const lines = [
      '"Copie";"A:numero";"Nom";"Note"',
      `"1";"${numbers.mat101[5]?.number}";"?";"14"`,
      `"2";"${numbers.mat101[6]?.number}";"?";"25"`,
    ];
    await drop(ctx, 'A', 'lecteur-optique', 'lot-partiel.csv', `${lines.join('\n')}\n`);
    await runIntake();
    expect(await outcomes('lot-partiel.csv')).toEqual(['partial']);

    const done = await dismissFile(ctx, 'gest-A', 'A', 'lot-partiel.csv', REASON);

    // The grade it wrote stays: dismissing closes the file for the lift, it removes nothing.
    expect(done.stillRecorded).toBe(1);
    expect(done.line).toContain('importé partiellement');
  });
});
