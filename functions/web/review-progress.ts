/**
 * Where the reviewer's appraisal stands, per reform area and in all, and what the reviewer's page
 * draws from it: the bar that stays on screen and the table of contents by area.
 *
 * The appraised figures count what the score boxes hold as the page opens: the previous round's
 * appraisal or the unit's self-score (the page pre-fills them, review-page.ts), or what was typed
 * after a refused post. Without script they would go stale as the reviewer types, so they are
 * drawn `hidden` (`data-with-script`) and the page's own script (assets/review-form.js) shows them
 * and keeps them up to date; without script the page says the unit's self totals, which do not
 * change (`data-without-script`, which the script hides where the bar says both). In integer hundredths, never floats, as the server reads scores.
 */
import type { CriteriaSet, Points, Report } from '#domain/model';
import { formatPoints } from '#domain/points';
import { e, type Html } from './pages.ts';
import { areaAnchor } from './report-criteria.ts';
import { scoreOf, sumAssessed, tallyByArea } from './report-progress.ts';

export interface AreaAppraisal {
  id: string;
  name: string;
  /** The survey area: scored from the survey, never appraised here; not in the totals. */
  survey: boolean;
  max: Points;
  /** The unit's self-scores. */
  self: Points;
  /** The valid appraised scores in the boxes. */
  appraised: Points;
  leaves: number;
  /** Boxes left blank or holding what the server would refuse (not counted in `appraised`). */
  unset: number;
  /** Leaves appraised at another score than the unit's own (each needs a comment). */
  differ: number;
  /** Leaves the unit scored without the evidence their criterion requires. */
  flagged: number;
}

export interface AppraisalProgress {
  areas: AreaAppraisal[];
  self: Points;
  appraised: Points;
  /** The assessed areas' maximum: the survey excluded. */
  max: Points;
  /** The survey area's points, not the unit's nor the reviewer's to give. */
  survey: Points;
  unset: number;
  differ: number;
}

/**
 * The appraisal as the form holds it. `scoreText(leafId)`: what the leaf's score box holds (typed,
 * or pre-filled).
 */
export function appraisalProgress(
  set: CriteriaSet,
  report: Report,
  scoreText: (leafId: string) => string,
  flagged: ReadonlySet<string>,
): AppraisalProgress {
  const areas = tallyByArea<AreaAppraisal>(
    set,
    (head) => ({ ...head, self: 0, appraised: 0, unset: 0, differ: 0, flagged: 0 }),
    (a, leaf) => {
      const self = report.entries[leaf.id]?.selfScore;
      a.self += self ?? 0;
      if (flagged.has(leaf.id)) a.flagged++;
      // Blank or refused: not counted in the total.
      const score = scoreOf(scoreText(leaf.id), leaf.max);
      if (score === undefined || score === 'invalid') a.unset++;
      else {
        a.appraised += score;
        if (score !== self) a.differ++;
      }
    },
  );
  const sum = (pick: (a: AreaAppraisal) => number) => sumAssessed(areas, pick);
  return {
    areas,
    self: sum((a) => a.self),
    appraised: sum((a) => a.appraised),
    max: sum((a) => a.max),
    survey: areas.filter((a) => a.survey).reduce((s, a) => s + a.max, 0),
    unset: sum((a) => a.unset),
    differ: sum((a) => a.differ),
  };
}

/** Shown by the page's script, which keeps the figure in it up to date; hidden without script. */
function withScript(html: Html, tag = 'span'): Html {
  return `<${tag} data-with-script hidden>${html}</${tag}>`;
}

/**
 * The bar that stays on screen, as the unit's form has it, kept to two lines on a phone: with
 * script the appraised total beside the unit's, how many criteria the reviewer scored otherwise
 * and how many boxes are blank or refused; without, the unit's total; and a way to the contents.
 */
export function appraisalBar(p: AppraisalProgress): Html {
  const max = e(formatPoints(p.max));
  const self = e(formatPoints(p.self));
  return `<div class="progress-bar" id="tien-do">
${withScript(`Thẩm định: <strong data-total>${e(formatPoints(p.appraised))}</strong>/${max} điểm, tự chấm ${self}`)}
<span data-without-script>Tổng tự chấm: <strong>${self}</strong>/${max} điểm${
    p.survey > 0 ? ` (chưa kể ${e(formatPoints(p.survey))} điểm khảo sát)` : ''
  }</span>
${withScript(`Khác tự chấm: <strong data-differ>${e(p.differ)}</strong> tiêu chí`)}
<span class="invalid" data-unset-wrap${p.unset ? '' : ' hidden'}><strong data-unset>${e(p.unset)}</strong> ô điểm trống hoặc chưa hợp lệ</span>
<a href="#muc-luc">Mục lục</a>
</div>`;
}

/** "Tự chấm 8 / 9 điểm · thẩm định 7,5 · ⚠ 2 tiêu chí chưa có minh chứng", the figure the script updates marked. */
export function areaAppraisalSummary(a: AreaAppraisal): Html {
  if (a.survey) {
    return `Tối đa ${e(formatPoints(a.max))} điểm, theo kết quả khảo sát; không thẩm định ở đây`;
  }
  return `Tự chấm ${e(formatPoints(a.self))} / ${e(formatPoints(a.max))} điểm${withScript(
    ` · thẩm định <strong data-subtotal>${e(formatPoints(a.appraised))}</strong>`,
  )}${a.flagged ? ` · <span class="flag-count">⚠ ${e(a.flagged)} tiêu chí chưa có minh chứng</span>` : ''}`;
}

/** Where the page's other parts are, for the contents. */
export const REVIEW_ANCHORS = { initiatives: 'sang-kien', conclusion: 'ket-luan' } as const;

/** The table of contents: each area linked, with its figures; then the parts after the criteria. */
export function appraisalContents(p: AppraisalProgress): Html {
  const areas = p.areas
    .map(
      (a) =>
        `<li${a.survey ? '' : ` data-area-link="${e(a.id)}"`}><a href="#${e(areaAnchor(a.id))}">${e(a.id)}. ${e(a.name)}</a><br><span class="area-sum">${areaAppraisalSummary(a)}</span></li>`,
    )
    .join('');
  const rest = [
    [REVIEW_ANCHORS.initiatives, 'Sáng kiến, tự kiểm tra 05T/05K, đề nghị khen thưởng'],
    [REVIEW_ANCHORS.conclusion, 'Kết luận: nhận xét chung và quyết định'],
  ]
    .map(([id, label]) => `<li><a href="#${e(id)}">${e(label)}</a></li>`)
    .join('');
  return `<nav id="muc-luc" class="contents" aria-labelledby="muc-luc-tieu-de"><h2 id="muc-luc-tieu-de">Mục lục</h2>
<ul class="toc">${areas}${rest}</ul></nav>`;
}
