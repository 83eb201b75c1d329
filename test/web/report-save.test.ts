/**
 * The autosave exchange (what the script sends, what it is answered) and the pages' CSP, as the
 * page middleware sends them.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, type HttpEvent, httpHandler } from '#web/http';
import { autosaveResponse, isAutosave } from '#web/report-save';

const request = (form: Record<string, string>, accept: string) => ({
  form: new URLSearchParams(form),
  headers: { accept },
});

describe('an autosave', () => {
  it('is the Save form with autosave=1 asking for JSON; a person’s click is not', () => {
    expect(isAutosave(request({ action: 'save', autosave: '1' }, 'application/json'))).toBe(true);
    expect(isAutosave(request({ action: 'save' }, 'application/json'))).toBe(false);
    expect(isAutosave(request({ action: 'save', autosave: '1' }, 'text/html'))).toBe(false);
  });

  it('is answered with the new version, the time on the district’s clock, and what was left out', () => {
    const saved = autosaveResponse({
      kind: 'saved',
      version: 5,
      savedAt: '2022-10-05T07:32:00Z',
      problems: [],
    });
    expect(saved.status).toBe(200);
    expect(saved.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(saved.body ?? '')).toEqual({
      status: 'saved',
      version: 5,
      savedAt: '14:32 05/10/2022',
      message: 'Đã tự động lưu lúc 14:32 05/10/2022, phiên bản 5.',
    });
    const problem = { field: 'score[1.1.2]', message: 'Tiêu chí 1.1.2: "một" không phải là một số điểm.' };
    const partly = JSON.parse(
      autosaveResponse({ kind: 'saved', version: 6, savedAt: '2022-10-05T07:33:00Z', problems: [problem] })
        .body ?? '',
    );
    expect(partly).toMatchObject({ status: 'saved-partly', version: 6, problems: [problem] });
    expect(partly.message).toContain('1 mục còn lỗi chưa được lưu');
  });

  it('is answered 409 "edited elsewhere" with the stored version, and 409 once submitted', () => {
    const conflict = autosaveResponse({ kind: 'conflict', currentVersion: 7 });
    expect(conflict.status).toBe(409);
    expect(JSON.parse(conflict.body ?? '')).toMatchObject({ status: 'conflict', version: 7 });
    expect(JSON.parse(conflict.body ?? '').message).toContain('sửa ở nơi khác');
    const locked = autosaveResponse({ kind: 'locked' });
    expect([locked.status, JSON.parse(locked.body ?? '').status]).toEqual([409, 'locked']);
    const gone = autosaveResponse({ kind: 'refused', status: 410, message: 'Liên kết đã hết hạn.' });
    expect([gone.status, JSON.parse(gone.body ?? '').status]).toEqual([410, 'refused']);
  });
});

describe('the pages’ Content-Security-Policy', () => {
  it('is unchanged for pages without script', () => {
    expect(contentSecurityPolicy()).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  it('lets the report form run the product’s own script and reach the evidence bucket, nothing else', () => {
    expect(
      contentSecurityPolicy({ script: true, connect: ['https://b.s3.ap-southeast-1.amazonaws.com'] }),
    ).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' https://b.s3.ap-southeast-1.amazonaws.com; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  it('is what a page asks for, the other security headers staying', async () => {
    const csp = contentSecurityPolicy({ script: true });
    const handler = httpHandler(async () => ({ status: 200, body: 'ok', csp }), { name: 'csp-test' });
    // Casts at the Lambda boundary: the middleware reads only the method and path of the event,
    // and nothing of the context.
    const event = { rawPath: '/r', requestContext: { http: { method: 'GET' } } } as unknown as HttpEvent;
    const result = await handler(event, {} as Context);
    expect(result.headers?.['content-security-policy']).toBe(csp);
    expect(result.headers?.['cache-control']).toBe('no-store');
  });
});
