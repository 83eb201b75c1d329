/**
 * Vietnamese names for synthetic campaigns (examples/generate-campaign.ts): departments, communes
 * and wards, people. Invented from common syllables, never taken from a list of real people; a
 * coincidence with a real name is what any common Vietnamese name risks.
 */

/** The departments and agencies of a province's People's Committee, in the order a config lists them. */
export const DEPARTMENTS: readonly string[] = [
  'Văn phòng UBND tỉnh',
  'Sở Nội vụ',
  'Sở Tư pháp',
  'Sở Tài chính',
  'Sở Công Thương',
  'Sở Nông nghiệp và Môi trường',
  'Sở Xây dựng',
  'Sở Khoa học và Công nghệ',
  'Sở Giáo dục và Đào tạo',
  'Sở Y tế',
  'Sở Văn hóa, Thể thao và Du lịch',
  'Sở Dân tộc và Tôn giáo',
  'Sở Ngoại vụ',
  'Thanh tra tỉnh',
  'Ban Quản lý Khu kinh tế tỉnh',
  'Trung tâm Phục vụ hành chính công tỉnh',
  'Báo và Phát thanh, Truyền hình tỉnh',
  'Ban Quản lý dự án đầu tư xây dựng tỉnh',
  'Trường Chính trị tỉnh',
  'Văn phòng Đoàn đại biểu Quốc hội và HĐND tỉnh',
];

const PLACE_FIRST = [
  'An',
  'Bình',
  'Hòa',
  'Phú',
  'Tân',
  'Long',
  'Thạnh',
  'Hưng',
  'Thịnh',
  'Phước',
  'Lộc',
  'Sơn',
  'Hải',
  'Minh',
  'Quang',
  'Trung',
  'Xuân',
  'Hà',
  'Yên',
  'Vĩnh',
  'Thái',
  'Đức',
  'Hiệp',
  'Mỹ',
  'Thanh',
  'Cẩm',
  'Kim',
  'Ngọc',
  'Đông',
  'Nam',
  'Bắc',
  'Tây',
  'Hồng',
  'Lam',
  'Trường',
  'Quảng',
  'Thiên',
  'Châu',
  'Gia',
  'Nghĩa',
  'Phong',
  'Tiên',
  'Văn',
  'Kỳ',
  'Diễn',
  'Lạc',
];
const PLACE_SECOND = [
  'An',
  'Bình',
  'Hòa',
  'Phú',
  'Lợi',
  'Long',
  'Thành',
  'Hưng',
  'Thịnh',
  'Phước',
  'Lộc',
  'Sơn',
  'Hải',
  'Minh',
  'Quang',
  'Trung',
  'Xuân',
  'Hà',
  'Yên',
  'Thuận',
  'Tiến',
  'Đức',
  'Hiệp',
  'Mỹ',
  'Thanh',
  'Điền',
  'Kim',
  'Ngọc',
  'Đông',
  'Nam',
  'Lâm',
  'Tây',
  'Hồng',
  'Giang',
  'Trạch',
  'Khánh',
  'Thủy',
  'Châu',
  'Vinh',
  'Nghĩa',
  'Phong',
  'Tân',
];

const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
  'Đinh',
  'Trịnh',
  'Lương',
  'Mai',
];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Thanh', 'Quốc', 'Ngọc', 'Đức', 'Thu', 'Hữu', 'Kim', 'Xuân', 'Hồng'];
const GIVEN = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Giang',
  'Hà',
  'Hải',
  'Hạnh',
  'Hiếu',
  'Hoa',
  'Hùng',
  'Hương',
  'Khánh',
  'Lan',
  'Linh',
  'Long',
  'Mai',
  'Minh',
  'Nam',
  'Nga',
  'Phong',
  'Phúc',
  'Quân',
  'Quỳnh',
  'Sơn',
  'Tâm',
  'Thảo',
  'Thắng',
  'Trang',
  'Tuấn',
  'Vân',
  'Yến',
  'Việt',
  'Oanh',
  'Lâm',
  'Nhung',
];

/** ASCII of a Vietnamese text: marks removed, đ → d. */
export function ascii(text: string): string {
  return text.replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFD').replace(/\p{M}/gu, '');
}

/** An ASCII slug of a Vietnamese name ("Sở Y tế" → "so-y-te"), at most `max` characters. */
export function slugOf(text: string, max = 40): string {
  const slug = ascii(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug.slice(0, max).replace(/-$/, '');
}

/** A deterministic source of numbers in [0, 1) (mulberry32): the same seed, the same campaign. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type Random = () => number;

export function pick<T>(random: Random, list: readonly T[]): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new RangeError('pick from an empty list');
  return item;
}

/**
 * `n` distinct commune and ward names ("Tân Phú", "Hòa An"…), in a seeded order; when the two-syllable
 * names run out, the same names come back numbered ("Tân Phú 2").
 */
export function placeNames(random: Random, n: number): string[] {
  const pairs: string[] = [];
  const seen = new Set<string>();
  for (const a of PLACE_FIRST) {
    for (const b of PLACE_SECOND) {
      const key = [a, b].sort().join(' ');
      if (a === b || seen.has(key)) continue;
      seen.add(key);
      pairs.push(`${a} ${b}`);
    }
  }
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j] ?? '', pairs[i] ?? ''];
  }
  return Array.from({ length: n }, (_, i) => {
    const round = Math.floor(i / pairs.length);
    const name = pairs[i % pairs.length] ?? '';
    return round === 0 ? name : `${name} ${round + 1}`;
  });
}

/** A person's full name: family, middle and given names. */
export function personName(random: Random): string {
  return `${pick(random, FAMILY)} ${pick(random, MIDDLE)} ${pick(random, GIVEN)}`;
}
