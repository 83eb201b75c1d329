/** Escaping and the logger: nothing a page or a log must not show gets through. */
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED, redact } from '#ports/log';
import { escapeHtml } from '#web/html';

describe('escapeHtml', () => {
  it('escapes & < > " \' and the backtick, keeps Vietnamese text', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'Tư pháp' \`cmd\``)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Tư pháp&#39; &#96;cmd&#96;',
    );
    expect(escapeHtml('<img src=x onerror=alert(1)>')).not.toMatch(/[<>]/);
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });
});

describe('logger', () => {
  const taskToken = `AQCEAAAAKgAAAAMAAAAAAAAAAT${'x9Z'.repeat(60)}`;
  const sig = 'n3vx0QmJ7s5gq0l8yXh2bV1cZ9uP4rT6wE8aS0dF2gH';
  const link = `https://thidua.example.vn/d?k=k1&id=AbCdEfGhIjKlMnOpQrStUv&a=appraise&e=1735664400&s=${sig}`;

  function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
    const lines: string[] = [];
    return { lines, logger: createLogger({ write: (line) => lines.push(line), level: 'debug' }) };
  }

  it('never prints a task token, a signature, a cookie or report contents', () => {
    const { lines, logger } = capture();
    logger.info(`delivering to ${taskToken}`, {
      approvalId: 'AbCdEfGhIjKlMnOpQrStUv',
      taskToken,
      link,
      rawQueryString: `k=k1&id=x&s=${sig}`,
      headers: { cookie: 'thidua_session=secret-session-id', Authorization: 'Bearer abc.def' },
      report: { entries: { '1.1': { explanation: 'nội dung báo cáo' } } },
      input: { entries: { '1.1': { selfScore: 100 } }, unitId: 'phong-tu-phap' },
    });
    logger.error('delivery failed', { error: new Error(`Invalid token ${taskToken}`) });
    const all = lines.join('\n');
    for (const secret of [taskToken, sig, 'secret-session-id', 'abc.def', 'nội dung báo cáo', 'selfScore']) {
      expect(all).not.toContain(secret);
    }
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({ level: 'info', approvalId: 'AbCdEfGhIjKlMnOpQrStUv', taskToken: REDACTED });
    expect(first.input.unitId).toBe('phong-tu-phap');
    expect(first.link).toContain('a=appraise');
    expect(first.link).toContain(`s=${REDACTED}`);
    expect(JSON.parse(lines[1]!).error.name).toBe('Error');
  });

  it('filters by level and carries child fields', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l), level: 'warn' }).child({ fn: 'decision' });
    logger.info('hidden');
    logger.warn('shown', { unitId: 'xa-an-binh' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'warn',
      msg: 'shown',
      fn: 'decision',
      unitId: 'xa-an-binh',
    });
  });

  it('redact survives cycles and keeps plain values', () => {
    const a: Record<string, unknown> = { n: 1, ok: true, when: new Date('2024-10-01T00:00:00Z') };
    a.self = a;
    expect(redact(a)).toEqual({ n: 1, ok: true, when: '2024-10-01T00:00:00.000Z', self: '[cycle]' });
  });
});
