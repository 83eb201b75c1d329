/**
 * Every admin page in every state the view models can put it in, rendered from the fixtures:
 * what the HTML tests read and what the browser test serves to Chromium and axe-core.
 */
import { renderActionPage } from '#web/admin-actions';
import { renderAdjustmentsPage } from '#web/admin-adjustments';
import { renderAuditPage } from '#web/admin-audit';
import { parseCandidateQuery, renderCommendationIndex, renderCycle } from '#web/admin-commendation';
import { renderCampaignDashboard, renderPeriodProgress } from '#web/admin-dashboard';
import { renderAggregatePending, renderResultsIndex, renderResultsPage } from '#web/admin-results';
import {
  renderUnitHistory,
  renderUnitLinkRequest,
  renderUnitLinkSent,
  renderUnitPeriod,
} from '#web/admin-unit';
import { renderUnitIndex } from '#web/admin-units';
import { demo2024, noQuorumTally } from '../documents/fixture.ts';
import * as f from './admin-fixtures.ts';

export function adminGallery(): [string, string][] {
  const posted = new URLSearchParams({ 'survey[phong-noi-vu]': '31', 'bonus[phong-noi-vu]': 'một' });
  return [
    ['campaign', renderCampaignDashboard(f.campaignModel())],
    ['units', renderUnitIndex({ frame: f.FRAME, units: demo2024().loaded.config.units, query: '' })],
    [
      'units-search',
      renderUnitIndex({ frame: f.FRAME, units: demo2024().loaded.config.units, query: 'zzz' }),
    ],
    ['period', renderPeriodProgress(f.progressModel('sort=since&size=25'))],
    ['period-filtered', renderPeriodProgress(f.progressModel('state=late&q=zzz&page=9&sort=bogus'))],
    ['results-index', renderResultsIndex(f.resultsIndexModel())],
    ['results-period', renderResultsPage(f.periodResultsModel())],
    ['results-year', renderResultsPage(f.yearResultsModel())],
    ['results-year-sparse', renderResultsPage(f.sparseYearModel())],
    ['results-year-pending', renderAggregatePending(f.yearPendingModel())],
    ['unit', renderUnitHistory(f.unitHistoryModel())],
    ['unit-period', renderUnitPeriod(f.unitPeriodModel())],
    ['unit-own-history', renderUnitHistory(f.unitHistoryModel(f.UNIT_FRAME))],
    ['unit-own-period', renderUnitPeriod(f.unitPeriodModel(f.UNIT_FRAME))],
    ['unit-link-request', renderUnitLinkRequest({ authority: f.FRAME.authority })],
    [
      'unit-link-request-problems',
      renderUnitLinkRequest({
        authority: f.FRAME.authority,
        email: 'khong-hop-le',
        problems: [{ field: 'email', message: 'Địa chỉ email không hợp lệ.' }],
      }),
    ],
    ['unit-link-sent', renderUnitLinkSent({ authority: f.FRAME.authority })],
    ['audit', renderAuditPage(f.auditModel())],
    ...f.actionModels().map(([name, m]): [string, string] => [`action-${name}`, renderActionPage(m)]),
    ['adjustments', renderAdjustmentsPage(f.adjustmentsModel())],
    [
      'adjustments-problems',
      renderAdjustmentsPage(
        f.adjustmentsModel({
          posted,
          problems: [
            { field: 'survey[phong-noi-vu]', message: 'Điểm khảo sát 31 vượt điểm tối đa 30.' },
            { field: 'bonus[phong-noi-vu]', message: 'Không phải một số.' },
          ],
        }),
      ),
    ],
    [
      'adjustments-preview',
      renderAdjustmentsPage(
        f.adjustmentsModel({
          posted: new URLSearchParams({ 'survey[phong-noi-vu]': '27,5' }),
          preview: [
            {
              unitId: 'phong-noi-vu',
              unitName: 'Phòng Nội vụ',
              before: { survey: 2500, bonus: 0, penalty: 0 },
              after: { survey: 2750, bonus: 0, penalty: 0 },
              changed: true,
            },
          ],
        }),
      ),
    ],
    ['adjustments-search', renderAdjustmentsPage(f.adjustmentsModel({ query: 'thi tran' }))],
    [
      'adjustments-paste-problems',
      renderAdjustmentsPage(
        f.adjustmentsModel({
          pasted: 'Xã Không Có\t20\nPhòng Tư pháp\tabc',
          problems: [
            { field: 'paste', message: 'Dòng 1: không có đơn vị “Xã Không Có” trong phong trào.' },
            {
              field: 'paste',
              message: 'Dòng 2 (Phòng Tư pháp), cột khảo sát: "abc" không phải là một số điểm.',
            },
          ],
        }),
      ),
    ],
    [
      'adjustments-recorded',
      renderAdjustmentsPage(f.adjustmentsModel({ recorded: { changed: 1, unchanged: 2, latestResults: 1 } })),
    ],
    ['commendation', renderCommendationIndex(f.commendationIndexModel())],
    ['cycle', renderCycle(f.cycleModel())],
    [
      'cycle-filtered',
      renderCycle({
        ...f.cycleModel(),
        ...parseCandidateQuery(new URLSearchParams('status=all&group=commune&q=xa')),
      }),
    ],
    ['cycle-nothing-found', renderCycle({ ...f.cycleModel(), query: { status: 'proposed', q: 'dai dong' } })],
    ['cycle-voting', renderCycle(f.votingCycleModel())],
    ['cycle-never-reported', renderCycle(f.sparseCycleModel())],
    ['cycle-no-quorum', renderCycle(f.cycleModel(noQuorumTally()))],
  ];
}
