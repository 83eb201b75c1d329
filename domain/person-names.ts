/**
 * A person's name as the commendation rules compare them (one person, one award in a cycle,
 * domain/commendation-rules.ts), and as the report form checks a report's nominations before.
 */

/** Tone marks, which Vietnamese typing places on one vowel or another ("Thủy" / "Thuỷ"). */
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;

/**
 * A name as the cycle's rules compare it: case, spacing, Unicode form, the vowel carrying the tone
 * mark (old and new placement, both typed by Vietnamese keyboards), the look-alike Ð and
 * zero-width characters aside. Each syllable's tone is kept, after its letters.
 */
export function nameKey(name: string): string {
  return name
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .replace(/\u00d0/g, '\u0110')
    .normalize('NFD')
    .toLocaleLowerCase('vi')
    .trim()
    .split(/\s+/)
    .map((syllable) => {
      const tones = syllable.match(TONE_MARKS)?.join('') ?? '';
      return `${syllable.replace(TONE_MARKS, '').normalize('NFC')}${tones}`;
    })
    .join(' ');
}

/**
 * Two nominations of one unit name one person: the same name (`nameKey`) and no two different
 * positions given (namesakes in one unit are told apart by their positions). The report form
 * refuses such a pair in one report; the proposal keeps the first of a cycle's.
 */
export function namesOnePerson(
  a: { name: string; position?: string | undefined },
  b: { name: string; position?: string | undefined },
): boolean {
  if (nameKey(a.name) !== nameKey(b.name)) return false;
  const [pa, pb] = [a.position, b.position].map((p) => (p ? nameKey(p) : ''));
  return !pa || !pb || pa === pb;
}
