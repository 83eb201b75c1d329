/**
 * The report form's autosave: how its request is told apart from a person's click, and what it is
 * answered. The page's script posts the same form as the Save button (every field, `version`,
 * `action=save`) with `autosave=1` and `Accept: application/json`; the handler saves the valid
 * part as a draft (drafts may be partial) and answers JSON instead of a 303, so the script can
 * carry on with the new version, or stop and say why without touching what was typed.
 * docs/unit-pages.md has the whole exchange.
 */

import type { FieldProblem, HttpRequest, HttpResponse } from './http.ts';
import { dateTime } from './pages.ts';

/** What came of an autosave, as the handler found it. */
export type AutosaveOutcome =
  /** Stored as `version`; `problems` are the values left out (empty: everything was saved). */
  | { kind: 'saved'; version: number; savedAt: string; problems: readonly FieldProblem[] }
  /** Someone saved since the page's version: nothing stored. */
  | { kind: 'conflict'; currentVersion?: number }
  /** The report can no longer be edited (submitted, in review, approved). */
  | { kind: 'locked' }
  /** The request itself was refused: the link (403, 410) or the form (400, e.g. no version). */
  | { kind: 'refused'; status: 400 | 403 | 410 | 413; message: string };

/** The JSON the script reads. `message` is Vietnamese, shown as text (never as HTML). */
export interface AutosaveAnswer {
  status: 'saved' | 'saved-partly' | 'conflict' | 'locked' | 'refused';
  message: string;
  /** The version the page must carry from now on (saved), or the one stored now (conflict). */
  version?: number;
  /** When it was saved, as the page's heading writes it ("08:00 01/10/2022"). */
  savedAt?: string;
  problems?: FieldProblem[];
}

/** An autosave asks for JSON; a click on Save (no script, or the script's own submit) gets pages. */
export function isAutosave(request: Pick<HttpRequest, 'form' | 'headers'>): boolean {
  return request.form.get('autosave') === '1' && (request.headers.accept ?? '').includes('application/json');
}

export function autosaveAnswer(outcome: AutosaveOutcome): { status: number; answer: AutosaveAnswer } {
  switch (outcome.kind) {
    case 'saved': {
      const at = dateTime(outcome.savedAt);
      const left = outcome.problems.length;
      return {
        status: 200,
        answer:
          left === 0
            ? {
                status: 'saved',
                version: outcome.version,
                savedAt: at,
                message: `Đã tự động lưu lúc ${at}, phiên bản ${outcome.version}.`,
              }
            : {
                status: 'saved-partly',
                version: outcome.version,
                savedAt: at,
                message: `Đã tự động lưu phần hợp lệ lúc ${at}, phiên bản ${outcome.version}; ${left} mục còn lỗi chưa được lưu.`,
                problems: [...outcome.problems],
              },
      };
    }
    case 'conflict':
      return {
        status: 409,
        answer: {
          status: 'conflict',
          ...(outcome.currentVersion === undefined ? {} : { version: outcome.currentVersion }),
          message:
            'Báo cáo đã được sửa ở nơi khác nên chưa tự động lưu. Nội dung bạn nhập vẫn còn trên trang này, chưa mất gì.',
        },
      };
    case 'locked':
      return {
        status: 409,
        answer: {
          status: 'locked',
          message:
            'Báo cáo đã được nộp nên không sửa được nữa; nội dung trên trang này chưa được lưu. Hãy mở lại liên kết trong email để xem bản đã nộp.',
        },
      };
    case 'refused':
      return { status: outcome.status, answer: { status: 'refused', message: outcome.message } };
  }
}

/** The HTTP answer to an autosave (the security headers are added by the page middleware). */
export function autosaveResponse(outcome: AutosaveOutcome): HttpResponse {
  const { status, answer } = autosaveAnswer(outcome);
  return {
    status,
    body: JSON.stringify(answer),
    headers: { 'content-type': 'application/json; charset=utf-8' },
  };
}
