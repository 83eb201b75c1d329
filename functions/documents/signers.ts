/**
 * Who signs the documents, the same on the admin's downloads and in `thidua score|commend --out`.
 * The district config does not say: the Phòng Nội vụ's documents are signed by its most senior
 * admin by title (the head — "Trưởng phòng", "Giám đốc"; else a deputy, "KT. Trưởng phòng / Phó
 * Trưởng phòng"; else the name is left blank for the signer). The vote record's chair is the
 * council member titled "Chủ tịch Hội đồng" (else the first member), its secretary the first
 * admin (the Phòng Nội vụ serves the council).
 */
import type { DistrictConfig, Person } from '#domain/model';
import type { Signer } from './types.ts';

/** The head of the body that issues the Phòng Nội vụ's documents, as a signer's title. */
function headTitle(config: Pick<DistrictConfig, 'district'>): string {
  const level = config.district.level;
  return level === 'huyen' ? 'Trưởng phòng' : level === 'tinh' ? 'Giám đốc' : 'Chủ tịch';
}

/** The default signer of the Phòng Nội vụ's documents (see the module's note). */
export function defaultSigner(config: Pick<DistrictConfig, 'district' | 'admins'>): Signer {
  const head = headTitle(config);
  const starts = (p: Person, t: string) =>
    (p.title ?? '').toLocaleLowerCase('vi').startsWith(t.toLocaleLowerCase('vi'));
  const chief = config.admins.find((a) => starts(a, head));
  if (chief) return { title: head, name: chief.name };
  const deputy = config.admins.find((a) => starts(a, `Phó ${head}`));
  if (deputy) return { onBehalfOf: `KT. ${head}`, title: `Phó ${head}`, name: deputy.name };
  return { title: head, name: '' };
}

/** The council's chair and secretary for the vote record (see the module's note). */
export function recordSigners(
  config: Pick<DistrictConfig, 'council' | 'admins'>,
  options: { chair?: string; secretary?: string },
): { chair: Signer; secretary: Signer } {
  const chairMember =
    config.council.find((m) => /(^|[–-]\s*)Chủ tịch Hội đồng/u.test(m.title ?? '')) ?? config.council[0];
  const secretaryMember =
    config.council.find((m) => /Thư ký Hội đồng/u.test(m.title ?? '')) ?? config.admins[0];
  return {
    chair: { title: 'Chủ tịch Hội đồng', name: options.chair ?? chairMember?.name ?? '' },
    secretary: { title: 'Thư ký Hội đồng', name: options.secretary ?? secretaryMember?.name ?? '' },
  };
}
