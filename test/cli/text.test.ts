import { describe, expect, it } from 'vitest';
import { displayWidth, padTo, renderTable, wrap } from '../../cli/text.ts';

describe('terminal text', () => {
  it('counts what a reader sees: combining marks take no column, whatever the normalisation', () => {
    const composed = 'Xã Đông Hòa';
    const decomposed = composed.normalize('NFD');
    expect(decomposed.length).toBeGreaterThan(composed.length);
    expect(displayWidth(composed)).toBe(11);
    expect(displayWidth(decomposed)).toBe(11);
    expect(padTo(decomposed, 14, 'right')).toBe(`   ${decomposed}`);
  });

  it('lines up columns of Vietnamese names', () => {
    const lines = renderTable(
      [{ header: 'Đơn vị' }, { header: 'Tỷ lệ %', align: 'right' }],
      [
        ['Phòng Nông nghiệp và Phát triển nông thôn'.normalize('NFD'), '69,07'],
        ['Xã Đại Đồng', '0,00'],
      ],
    );
    const ends = lines.map((l) => displayWidth(l));
    expect(new Set(ends).size).toBe(1);
  });

  it('wraps at the display width, never splitting a word', () => {
    const lines = wrap('Không đủ số thành viên tham gia: không ứng viên nào được thông qua', 20);
    expect(lines.every((l) => displayWidth(l) <= 20)).toBe(true);
    expect(lines.join(' ')).toBe('Không đủ số thành viên tham gia: không ứng viên nào được thông qua');
  });
});
