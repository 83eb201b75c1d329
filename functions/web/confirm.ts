/**
 * Two presses for a decision a link records once: the first POST of a decision page (the
 * reviewer's appraisal, functions/web/review-confirm.ts; the council member's ballot,
 * functions/web/vote-page.ts) answers a page showing what would be recorded and writes nothing;
 * only that page's *Xác nhận* records it. The form travels on hidden, so what is recorded is what
 * was shown; *Quay lại sửa* brings the form back as it was typed.
 */
import { e, type Html, hidden } from './pages.ts';

/** The field that turns a decision page's POST from "show me" into "record it". */
export const CONFIRM_FIELD = 'confirm';
export const CONFIRM_VALUE = 'yes';
/** The field of the confirmation's way back to the form. */
export const BACK_FIELD = 'back';

/** The second press: only a POST carrying it records anything. */
export const isConfirmed = (form: URLSearchParams): boolean => form.get(CONFIRM_FIELD) === CONFIRM_VALUE;

/** The confirmation's way back: the form again, as typed. */
export const isBack = (form: URLSearchParams): boolean => form.has(BACK_FIELD);

/**
 * The confirmation's form: the posted form, hidden (without the confirmation's own buttons), and
 * its two buttons. `tone`: the confirm button's class (`approve`, `danger`).
 */
export function confirmationForm(form: URLSearchParams, confirmLabel: string, tone: string): Html {
  const carried = [...form]
    .filter(([name]) => name !== CONFIRM_FIELD && name !== BACK_FIELD)
    .map(([name, value]) => hidden(name, value))
    .join('\n');
  return `<form method="post" action="">
${carried}
<div class="actions">
<button type="submit" name="${CONFIRM_FIELD}" value="${CONFIRM_VALUE}" class="${e(tone)}">${e(confirmLabel)}</button>
<button type="submit" name="${BACK_FIELD}" value="1" class="secondary">Quay lại sửa</button>
</div>
</form>`;
}

/**
 * What a page sent again (a retry, Back and resend) adds to the recorded answer: the first press's
 * record stands and nothing more was recorded. `what`: "quyết định", "phiếu".
 */
export const resentNote = (what: string): string =>
  ` Trang vừa được gửi lại: ${what} đã ghi nhận từ lần gửi trước, lần này không ghi nhận thêm gì.`;
