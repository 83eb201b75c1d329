import { describe, expect, it } from 'vitest';
import { BallotsFileSchema, NominationsFileSchema } from '../../cli/commendation-files.ts';

describe('the files of thidua commend', () => {
  it('a nominations file with an unknown form parses (the form is refused later), a bad status does not', () => {
    const ok = NominationsFileSchema.safeParse({
      nominations: [
        {
          id: 'a',
          name: 'Nguyễn Văn A',
          unitId: 'phong-noi-vu',
          form: 'bang-khen-thu-tuong',
          achievements: '…',
          status: 'none',
          submittedAt: '2024-12-10T08:00:00+07:00',
        },
      ],
    });
    expect(ok.success).toBe(true);
    const bad = NominationsFileSchema.safeParse({
      nominations: [{ ...(ok.data?.nominations[0] ?? {}), status: 'ky-luat', submittedAt: '10/12/2024' }],
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['nominations.0.status', 'nominations.0.submittedAt']),
    );
  });

  it('a ballot with an unreadable time or a vote other than yes, no, abstain does not pass the file check', () => {
    const bad = BallotsFileSchema.safeParse({
      ballots: [{ memberId: 'tv1', castAt: '10/01/2025 09:00', votes: { 'collective:x': 'maybe' } }],
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['ballots.0.castAt', 'ballots.0.votes.collective:x']),
    );
    const ok = BallotsFileSchema.safeParse({
      ballots: [{ memberId: 'tv1', castAt: '2025-01-10T02:00:00Z', votes: { 'collective:x': 'abstain' } }],
    });
    expect(ok.success).toBe(true);
  });
});
