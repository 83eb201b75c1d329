/**
 * The commendation pages and documents behind the admin sign-in, on the real emulators: the
 * demo's 2024 proposed by the workflow's step, each council member's ballot cast through the
 * mailed `/d` link, the vote tallied by the TallyVotes step; the admin then reads the cycle's
 * candidates, tally and final list, and downloads the tờ trình and the biên bản kiểm phiếu as
 * DOCX (read back: A4, Times New Roman, the tally) and print HTML.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Candidate } from '#domain/commendation-model';
import { proposalOf, readCycle } from '#functions/commendation/award';
import { handler as proposeCommendations } from '#functions/commendation/propose-commendations';
import { handler as remindVote } from '#functions/commendation/remind-vote';
import { handler as requestVote } from '#functions/commendation/request-vote';
import { handler as tallyVotes } from '#functions/commendation/tally-votes';
import { unitsMissingEveryPeriod } from '#functions/http/admin-commendation-data';
import { handler as computeResults } from '#functions/scoring/compute-results';
import { handler as notifyLeadership } from '#functions/scoring/notify-leadership';
import { latestPeriodResults } from '#functions/scoring/results';
import { audit } from '#ports/dynamo/audit';
import { reports } from '#ports/dynamo/reports';
import { scoringExecution } from '#workflows/executions';
import { htmlText, readDocx } from '../documents/read-back.ts';
import { at } from '../functions/cycle-harness.ts';
import { linkIn } from '../functions/harness.ts';
import { seedApproval } from '../helpers/ports.ts';
import { type AdminBed, startAdminBed } from './bed.ts';

let a: AdminBed;
let ballot: string[] = [];
const token = () => `LTT1${randomBytes(48).toString('base64url')}`;

beforeAll(async () => {
  a = await startAdminBed();
  at(a.bed, new Date('2025-01-28T10:00:00Z'));
  const { memberIds } = (await a.bed.invoke(proposeCommendations, { cycleId: '2024' })) as {
    memberIds: string[];
  };
  await a.bed.clearEmails();
  for (const memberId of memberIds)
    await a.bed.invoke(requestVote, { cycleId: '2024', memberId, taskToken: token() });
  ballot = (await readCycle('2024')).header?.ballot ?? [];
}, 180_000);
afterAll(async () => {
  await a?.stop();
});

describe('commendation', { timeout: 90_000 }, () => {
  it('lists the cycle while the council votes, and offers no document before the tally', async () => {
    const index = await (await a.get('/admin/commendation')).text();
    expect(index).toContain('href="/admin/commendation/2024"');
    expect(index).toContain('Năm 2024');
    expect(index).toContain('Đang bỏ phiếu');
    const page = await (await a.get('/admin/commendation/2024')).text();
    expect(page).toContain('Tiến độ bỏ phiếu');
    expect(htmlText(page)).toContain(
      'Đã có 0/8 thành viên gửi phiếu; cần ít nhất 6 thành viên tham gia để đủ số biểu quyết (còn thiếu 6).',
    );
    expect([...page.matchAll(/Chưa gửi phiếu/g)]).toHaveLength(8);
    // The workflow's reminder, a day before the close (reminderLeadDays 1).
    expect(htmlText(page)).toContain('Thành viên chưa gửi phiếu sẽ được nhắc tự động lúc 17:00 03/02/2025.');
    expect(page).not.toContain('vote-record.docx');
    const early = await a.get('/admin/commendation/2024/vote-record.docx');
    expect(early.status).toBe(409);
    expect(await early.text()).toContain('Hội đồng chưa kiểm phiếu');
  });

  it('says while late appraisals are accepted that rankings may change and whose reports wait; that a late approval leaves the proposal as it was', async () => {
    const NOTICE = 'Thứ hạng còn có thể thay đổi';
    const page = async () => htmlText(await (await a.get('/admin/commendation/2024')).text());
    // Proposed on 28/01/2025, 7 days after 2024Q4's review close; that period accepts late
    // appraisals until 17:00 05/02/2025 (15 days), but none of its reports waits for one.
    expect(await page()).not.toContain(NOTICE);

    // Every unit reported 2024Q4 and was appraised in time: one report is put back in review, as
    // if its reviewer had not decided yet (the results keep its appraisal until a new one counts).
    const unit = (await latestPeriodResults('2024Q4'))?.units.find((u) => u.status === 'approved');
    const report = unit && (await reports().get(unit.unitId, '2024Q4'))?.report;
    if (!unit || !report) throw new Error('no approved report of 2024Q4');
    await reports().setStatus(unit.unitId, '2024Q4', ['approved'], 'in-review', {
      kind: 'system',
      id: 'test',
    });
    const late = await page();
    expect(late).toContain(NOTICE);
    expect(late).toContain('Quý IV/2024 vẫn nhận thẩm định muộn đến 17:00 05/02/2025');
    expect(late).toContain(`báo cáo còn chờ giải trình hoặc thẩm định: ${unit.name}.`);
    expect(late).toContain('kết quả của kỳ được tính lại và công bố thành phiên bản mới');
    expect(late).toContain('Đề xuất này được lập lúc 17:00 28/01/2025 và không được lập lại tự động');
    // At the late appraisals' deadline the report still waits, but can no longer be appraised.
    at(a.bed, new Date('2025-02-05T10:00:00Z'));
    expect(await page()).not.toContain('vẫn nhận thẩm định muộn');
    at(a.bed, new Date('2025-01-28T10:00:00Z'));

    // Approved late: 2024Q4 is scored again as version 2, the stored proposal stays as it was.
    const before = (await readCycle('2024')).header;
    // The late appraisal differs from the one the results counted: every criterion 0.
    const entries = Object.fromEntries(
      Object.keys(report.entries).map((id) => [id, { score: 0, comment: '' }]),
    );
    const { criteriaSetId } = report;
    await seedApproval(
      { unitId: unit.unitId, periodId: '2024Q4', criteriaSetId, reviewerId: 'pham-thi-lan', entries },
      2,
    );
    // v1 was announced by the close's execution (a version is stored only over an announced one).
    await a.bed.invoke(notifyLeadership, { periodId: '2024Q4', version: 1 });
    await a.bed.invoke(computeResults, {
      periodId: '2024Q4',
      executionName: scoringExecution('2024Q4', { trigger: 'late', unitId: unit.unitId, round: 2 }).name,
    });
    expect((await latestPeriodResults('2024Q4'))?.version).toBe(2);
    expect((await readCycle('2024')).header).toEqual(before);
    const after = await page();
    expect(after).not.toContain(NOTICE);
    expect(after).toContain('Kết quả đã thay đổi sau khi lập đề xuất');
    expect(after).toContain(
      'Kết quả Quý IV/2024 đã được tính lại sau khi lập đề xuất: nay là phiên bản 2, đề xuất dùng phiên bản 1.',
    );
  });

  it("reads a candidate's last place in words only for a unit that missed every period the proposal used", async () => {
    // Xã Đại Đồng missed 2024Q2 only: flagged, yet its place is its mean's, and keeps its number.
    // Every candidate (?status=all): the table shows only the proposed ones at first.
    const text = htmlText(await (await a.get('/admin/commendation/2024?status=all')).text());
    expect(text).toMatch(/Xã Đại Đồng Giấy khen [\d,]+ Không đề nghị Xếp hạng \d+\/\d+ khối xã, thị trấn/);
    expect(text).not.toContain('Xếp cuối');
    // The page's GET form, read by the handler: the one excluded commune typed without accents.
    const found = htmlText(await (await a.get('/admin/commendation/2024?status=excluded&q=dai+dong')).text());
    expect(found).toMatch(/Hiển thị 1\/\d+ ứng viên không đề nghị khớp “dai dong”\./);
    expect(found).toMatch(/Xã Đại Đồng Giấy khen/);
    // Read from the very versions the proposal used: a unit without any line missed them all.
    const stored = await readCycle('2024');
    const proposal = proposalOf(stored);
    const flagged = (unitId: string) => ({
      ...(proposal.candidates[0] as Candidate),
      id: `collective:${unitId}`,
      unitId,
      reasons: [{ code: 'flag-khong-nop-bao-cao', message: '' }],
    });
    const probe = { ...proposal, candidates: [flagged('xa-dai-dong'), flagged('khong-co-dong-nao')] };
    expect(await unitsMissingEveryPeriod(probe, stored.header?.sources ?? [])).toEqual(['khong-co-dong-nao']);
  });

  it('shows the tally and the final list once the vote closed, and gives both documents', async () => {
    expect(ballot.length).toBeGreaterThan(0);
    // Six of the eight members vote yes on everyone: quorum 6, pass 6.
    const mails = await a.bed.emails();
    for (const member of a.bed.config.council.slice(0, 6)) {
      const mail = mails.find((m) => m.destination.to[0] === member.email);
      const link = linkIn(mail?.body.text, '/d');
      const fields = { ...Object.fromEntries(ballot.map((id) => [`vote[${id}]`, 'yes'])), confirm: 'yes' };
      const cast = await a.post(`/d${link.search}`, fields);
      expect([200, 202]).toContain(cast.status);
    }
    // While the vote runs the admin sees who has voted (not how) and that the quorum is reached.
    const voting = htmlText(await (await a.get('/admin/commendation/2024')).text());
    expect(voting).toContain(
      'Đã có 6/8 thành viên gửi phiếu; cần ít nhất 6 thành viên tham gia để đủ số biểu quyết (đã đủ).',
    );
    for (const [i, member] of a.bed.config.council.entries()) {
      expect(voting).toMatch(
        new RegExp(
          `${member.name} ${i < 6 ? 'Đã gửi phiếu lúc \\d\\d:\\d\\d \\d\\d/\\d\\d/\\d{4}' : 'Chưa gửi phiếu'}`,
        ),
      );
    }
    expect(voting).not.toContain('Tán thành');

    // The office reminds a member who has not voted: the same link again, once a day, audited.
    const absent = a.bed.config.council[6];
    if (!absent) throw new Error('a seventh member');
    const remindPath = `/admin/commendation/2024/members/${absent.id}/remind`;
    expect(await (await a.get('/admin/commendation/2024')).text()).toContain(`href="${remindPath}"`);
    const form = await (await a.get(remindPath)).text();
    expect(form).toContain('Gửi email nhắc');
    const nonce = /name="nonce" value="([^"]+)"/.exec(form)?.[1] ?? '';
    expect((await a.post(remindPath, { nonce })).status).toBe(303);
    const toAbsent = (await a.bed.emails()).filter((m) => m.destination.to[0] === absent.email);
    const reminder = toAbsent.filter((m) => m.subject.includes('Nhắc: Đề nghị biểu quyết'));
    expect(reminder).toHaveLength(1);
    const request = toAbsent.find((m) =>
      m.subject.endsWith('CCHC] Đề nghị biểu quyết khen thưởng phong trào thi đua CCHC năm 2024'),
    );
    expect(linkIn(reminder[0]?.body.text, '/d').search).toBe(linkIn(request?.body.text, '/d').search);
    expect(reminder[0]?.body.text).toContain('Nhắc lại: đồng chí chưa gửi phiếu biểu quyết.');
    // Pressed again the same day: the page says when it went, and nothing more is sent.
    const again = await a.post(remindPath, { nonce });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Đã gửi lời nhắc cho');
    expect((await a.bed.emails()).filter((m) => m.destination.to[0] === absent.email)).toHaveLength(
      toAbsent.length,
    );
    const reminded = await audit().list(`award/2024/${absent.id}`);
    expect(reminded.filter((e) => e.action === 'admin.remind-vote')).toHaveLength(1);
    // A member who has voted needs no reminder: the page says so, a POST is 410.
    const voted = a.bed.config.council[0];
    const votedPath = `/admin/commendation/2024/members/${voted?.id}/remind`;
    expect(await (await a.get(votedPath)).text()).toContain('đã gửi phiếu lúc');
    expect((await a.post(votedPath, { nonce: 'n-voted-0000000000000' })).status).toBe(410);
    expect((await a.get('/admin/commendation/2024/members/nobody/remind')).status).toBe(404);

    // The workflow's reminder, a day before the close: each member still pending says it went, as
    // the outbox has it; the line announcing it is gone.
    at(a.bed, new Date('2025-02-03T10:00:00Z'));
    const times = { closesAt: '2025-02-04T10:00:00.000Z', remindAt: '2025-02-03T10:00:00.000Z' };
    for (const member of a.bed.config.council) {
      await a.bed.invoke(remindVote, { cycleId: '2024', memberId: member.id, ...times });
    }
    const after = htmlText(await (await a.get('/admin/commendation/2024')).text());
    for (const member of a.bed.config.council.slice(6)) {
      expect(after).toContain(`${member.name} Chưa gửi phiếu · đã được nhắc tự động lúc 17:00 03/02/2025`);
    }
    expect(after).not.toContain('sẽ được nhắc tự động');
    expect([...after.matchAll(/đã được nhắc tự động/g)]).toHaveLength(2);

    at(a.bed, new Date('2025-02-04T10:00:01Z'));
    await a.bed.invoke(tallyVotes, { cycleId: '2024' });

    const page = await (await a.get('/admin/commendation/2024')).text();
    expect(page).toContain('Đã kiểm phiếu');
    expect(page).toContain('Kiểm phiếu');
    expect(htmlText(page)).toContain('Tham gia 6 (cần ít nhất 6)');
    expect(page).toContain('Danh sách cuối cùng');
    // The council recommends, the chairman decides: passed, never already awarded.
    expect(htmlText(page)).toContain(': Được Hội đồng thông qua, trình Chủ tịch quyết định khen thưởng');
    expect(htmlText(page)).not.toContain('Được khen thưởng');
    const first = (await readCycle('2024')).candidates.get(ballot[0] ?? '')?.proposal.candidate;
    if (!first) throw new Error('no candidate');
    expect(page).toContain(first.name);

    const record = await a.get('/admin/commendation/2024/vote-record.docx');
    expect(record.status).toBe(200);
    expect(record.headers.get('content-disposition')).toBe(
      'attachment; filename="bien-ban-kiem-phieu-2024.docx"',
    );
    const doc = readDocx(Buffer.from(await record.arrayBuffer()));
    const text = doc.paragraphs.map((p) => p.text).join('\n');
    expect(text).toContain('BIÊN BẢN');
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(doc.xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(
      doc.paragraphs
        .flatMap((p) => p.runs)
        .every((r) => r.font === undefined || r.font === 'Times New Roman'),
    ).toBe(true);
    const tallyRow = doc.tables.flat().find((row) => row.some((cell) => cell.includes(first.name)));
    expect(tallyRow).toBeDefined();
    expect(tallyRow).toContain('6');

    const proposal = await a.get('/admin/commendation/2024/proposal.docx');
    expect(proposal.status).toBe(200);
    const listed = readDocx(Buffer.from(await proposal.arrayBuffer()));
    expect(listed.paragraphs.map((p) => p.text).join('\n')).toContain('TỜ TRÌNH');
    expect(listed.tables.flat().some((row) => row.some((cell) => cell.includes(first.name)))).toBe(true);

    const print = await a.get('/admin/commendation/2024/vote-record.html');
    expect(print.status).toBe(200);
    expect(print.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(htmlText(await print.text())).toContain(first.name);
  });

  it('calls a new vote after a round without quorum, once, and refuses one after a round with quorum', async () => {
    // The council's second round of 2024: nobody votes, so it ends without quorum.
    at(a.bed, new Date('2025-02-10T10:00:00Z'));
    const { memberIds } = (await a.bed.invoke(proposeCommendations, { cycleId: '2024-2' })) as {
      memberIds: string[];
    };
    for (const memberId of memberIds)
      await a.bed.invoke(requestVote, { cycleId: '2024-2', memberId, taskToken: token() });
    at(a.bed, new Date('2025-02-17T10:00:01Z'));
    await a.bed.invoke(tallyVotes, { cycleId: '2024-2' });

    const cycle = await (await a.get('/admin/commendation/2024-2')).text();
    expect(cycle).toContain('Không đủ số thành viên tham gia');
    expect(cycle).toContain('href="/admin/commendation/2024-2/revote"');
    // What came of it and the new vote, under the title: not below the candidates and the tally.
    const notice = `Hội đồng không đủ số thành viên tham gia (0/${memberIds.length}, cần ít nhất 6): chưa ứng viên nào được thông qua.`;
    expect(cycle).toContain(notice);
    expect(cycle.indexOf(notice)).toBeLessThan(cycle.indexOf('<h2 id="de-xuat">Đề xuất</h2>'));
    expect(cycle.indexOf('href="/admin/commendation/2024-2/revote"')).toBeLessThan(
      cycle.indexOf('<h2 id="de-xuat">Đề xuất</h2>'),
    );
    const withQuorum = await a.post('/admin/commendation/2024/revote', { nonce: 'co-du-so-000000000001' });
    expect(withQuorum.status).toBe(410);

    const form = await (await a.get('/admin/commendation/2024-2/revote')).text();
    expect(form).toContain('Tổ chức bỏ phiếu lại');
    // From the latest results; 2024Q4's late appraisals ended on 05/02/2025: nothing more to say.
    expect(htmlText(form)).toContain('Đề xuất của đợt mới được lập lại từ kết quả mới nhất của từng kỳ');
    expect(form).not.toContain('thẩm định muộn');
    const nonce = /name="nonce" value="([^"]+)"/.exec(form)?.[1] ?? '';
    const done = await a.post('/admin/commendation/2024-2/revote', { nonce });
    expect(done.status).toBe(303);
    const again = await a.post('/admin/commendation/2024-2/revote', { nonce });
    expect(again.headers.get('location')).toBe(done.headers.get('location'));
    const other = await a.post('/admin/commendation/2024-2/revote', { nonce: 'khac-admin-0000000003' });
    expect(other.status).toBe(409);
    expect(await other.text()).toContain('Một quản trị khác đã tổ chức bỏ phiếu lại');
    expect(a.bed.executions('commendation').filter((n) => n.startsWith('commendation-2024-3'))).toEqual([
      'commendation-2024-3-1',
    ]);
    const said = await (await a.get(done.headers.get('location') ?? '')).text();
    expect(said).toContain('Đã tổ chức bỏ phiếu lại (đợt 2024-3)');
    const entries = await audit().list('award/2024-2');
    expect(entries.filter((x) => x.action === 'admin.revote')).toHaveLength(1);
  });

  it('refuses an unknown cycle and a visitor without a session', async () => {
    expect((await a.get('/admin/commendation/2031')).status).toBe(404);
    expect((await a.get('/admin/commendation/abc')).status).toBe(404);
    expect((await a.get('/admin/commendation/abc/proposal.docx')).status).toBe(404);
    const anonymous = await fetch(`${a.http.url}/admin/commendation/2024/proposal.docx`, {
      redirect: 'manual',
    });
    expect(anonymous.status).toBe(303);
  });
});
