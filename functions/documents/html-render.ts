/**
 * Print-ready HTML of the same documents: one self-contained page (no script, no external
 * resource), A4 with the same margins and type as the DOCX when printed, readable on a screen.
 * Every string from the district, its units or people is escaped.
 */
import { escapeHtml } from '#web/html';
import { upper } from './format.ts';
import {
  type Block,
  MARGINS_MM,
  MOTTO,
  NATIONAL_NAME,
  numberLine,
  type OfficialDocument,
  placeDateLine,
  recipientLines,
  SIZES,
  signerTitleLines,
} from './official.ts';
import { type Cell, cellText, type Sheet, type SummaryBook } from './sheet-model.ts';
import type { Signer } from './types.ts';

const e = escapeHtml;
const M = MARGINS_MM;

const DOCUMENT_CSS = `
@page { size: A4 portrait; margin: ${M.top}mm ${M.right}mm ${M.bottom}mm ${M.left}mm; }
html { background: #e8e8e8; }
body { margin: 0; font-family: "Times New Roman", Times, serif; font-size: ${SIZES.body}pt; color: #000; line-height: 1.15; }
main { box-sizing: border-box; width: 100%; max-width: 210mm; margin: 0 auto; background: #fff;
  padding: ${M.top}mm ${M.right}mm ${M.bottom}mm ${M.left}mm; }
@media screen and (max-width: 600px) { main { padding: 8mm 5mm; } }
@media print { html { background: none; } main { max-width: none; padding: 0; } }
p { margin: 0; }
.layout { width: 100%; border-collapse: collapse; }
.layout td { vertical-align: top; text-align: center; padding: 0; }
.issuer { width: 38%; font-size: ${SIZES.issuer}pt; }
.nation { font-size: ${SIZES.nationalName}pt; font-weight: bold; }
.motto { font-size: ${SIZES.motto}pt; font-weight: bold; text-decoration: underline; }
.number { font-size: ${SIZES.number}pt; margin-top: 1em; }
.date { font-size: ${SIZES.dateLine}pt; font-style: italic; margin-top: 1em; }
.kind { margin-top: 1.5em; text-align: center; font-weight: bold; font-size: ${SIZES.kind}pt; }
.summary { text-align: center; font-weight: bold; margin-bottom: 1em; }
.to { text-align: center; margin-bottom: 1em; }
.body { text-align: justify; text-indent: 1cm; margin-bottom: 6pt; }
.section { font-weight: bold; text-indent: 1cm; margin: 6pt 0; break-after: avoid; }
.centered { text-align: center; }
.number, .date, .centered { white-space: pre-wrap; }
.bold { font-weight: bold; }
.wrap { overflow-x: auto; margin: 6pt 0; }
table.data { width: 100%; border-collapse: collapse; font-size: ${SIZES.table}pt; }
table.data th, table.data td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: middle; }
table.data th { text-align: center; }
table.data tr { break-inside: avoid; }
.right { text-align: right; } .center { text-align: center; } .justify { text-align: justify; }
.signatures { margin-top: 12pt; }
.signatures td { width: 50%; }
.recipients { text-align: left; }
.recipients .label { font-size: ${SIZES.recipientsLabel}pt; font-weight: bold; font-style: italic; }
.recipients p { font-size: ${SIZES.recipients}pt; }
.signer { font-weight: bold; font-size: ${SIZES.signer}pt; }
.space { height: 5em; }
.appendix { break-before: page; margin-top: 2em; }
`;

function page(title: string, css: string, content: string): string {
  return (
    '<!doctype html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${e(title)}</title>\n<style>${css}</style>\n</head>\n<body>\n${content}\n</body>\n</html>\n`
  );
}

function blockToHtml(block: Block): string {
  switch (block.kind) {
    case 'paragraph': {
      const runs = block.runs
        .map((r) => {
          const t = e(r.text);
          const b = r.bold ? `<strong>${t}</strong>` : t;
          return r.italic ? `<em>${b}</em>` : b;
        })
        .join('');
      const styles = [
        block.align && block.align !== 'justify' ? `text-align:${block.align}` : '',
        block.indent === false ? 'text-indent:0' : '',
      ].filter((x) => x !== '');
      return `<p class="body"${styles.length > 0 ? ` style="${styles.join(';')}"` : ''}>${runs}</p>`;
    }
    case 'section':
      return `<p class="section">${e(block.text)}</p>`;
    case 'centered': {
      const style = `${block.plain ? '' : ' bold'}`;
      const inner = block.italic ? `<em>${e(block.text)}</em>` : e(block.text);
      return `<p class="centered${style}">${inner}</p>`;
    }
    case 'table': {
      const cols = block.columns.map((c) => `<col style="width:${c.width}%">`).join('');
      const head = block.columns.map((c) => `<th scope="col">${e(c.header)}</th>`).join('');
      const body = block.rows
        .map((r) => {
          const cells = r.map((t, i) => {
            const align = block.columns[i]?.align ?? 'left';
            const cls = align === 'left' ? '' : ` class="${align}"`;
            return `<td${cls}>${t.split('\n').map(e).join('<br>')}</td>`;
          });
          return `<tr>${cells.join('')}</tr>`;
        })
        .join('\n');
      return `<div class="wrap"><table class="data"><colgroup>${cols}</colgroup><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
    }
  }
}

function signerHtml(signer: Signer): string {
  const titles = signerTitleLines(signer)
    .map((t) => `<p class="signer">${e(t)}</p>`)
    .join('');
  return `${titles}<div class="space"></div><p class="signer">${e(signer.name)}</p>`;
}

function recipientsHtml(recipients: readonly string[]): string {
  const items = recipientLines(recipients)
    .map((r) => `<p>${e(r)}</p>`)
    .join('');
  return `<div class="recipients"><p class="label">Nơi nhận:</p>${items}</div>`;
}

function signaturesHtml(doc: OfficialDocument): string {
  const [first, second] = doc.signers;
  const rows =
    first && second
      ? `<tr><td>${signerHtml(first)}</td><td>${signerHtml(second)}</td></tr>` +
        `<tr><td>${recipientsHtml(doc.recipients)}</td><td></td></tr>`
      : `<tr><td>${recipientsHtml(doc.recipients)}</td><td>${first ? signerHtml(first) : ''}</td></tr>`;
  return `<table class="layout signatures" role="presentation">${rows}</table>`;
}

export function officialDocumentToHtml(doc: OfficialDocument): string {
  const issuer =
    (doc.issuer.parent ? `<p>${e(upper(doc.issuer.parent))}</p>` : '') +
    `<p class="bold"><u>${e(upper(doc.issuer.name))}</u></p>` +
    `<p class="number">${e(numberLine(doc.symbol))}</p>`;
  const nation =
    `<p class="nation">${e(NATIONAL_NAME)}</p><p class="motto">${e(MOTTO)}</p>` +
    `<p class="date">${e(placeDateLine(doc))}</p>`;
  const parts = [
    '<main>',
    `<table class="layout" role="presentation"><tr><td class="issuer">${issuer}</td><td>${nation}</td></tr></table>`,
    `<h1 class="kind" style="font-size:${SIZES.kind}pt;margin-bottom:0">${e(upper(doc.kind))}</h1>`,
    `<p class="summary">${e(doc.summary)}</p>`,
    doc.addressee ? `<p class="to">${e(doc.addressee)}</p>` : '',
    ...doc.body.map(blockToHtml),
    signaturesHtml(doc),
    doc.appendix && doc.appendix.length > 0
      ? `<section class="appendix">${doc.appendix.map(blockToHtml).join('\n')}</section>`
      : '',
    '</main>',
  ];
  return page(doc.fileTitle, DOCUMENT_CSS, parts.filter((x) => x !== '').join('\n'));
}

// ---------------------------------------------------------------- summary tables

const SUMMARY_CSS = `
@page { size: A4 landscape; margin: 12mm 10mm; }
body { margin: 0; padding: 8mm; font-family: "Times New Roman", Times, serif; font-size: 11pt; }
@media print { body { padding: 0; } }
.issuer p { margin: 0; }
h1 { font-size: 14pt; text-align: center; margin: 8pt 0 2pt; }
.sub { text-align: center; margin: 0; }
.wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: 8pt 0; }
th, td { border: 1px solid #000; padding: 1pt 3pt; }
thead th { background: #ededed; font-size: 10pt; }
td.n { text-align: right; white-space: nowrap; }
tbody td:nth-child(2) { min-width: 16em; }
td.t { text-align: center; }
tr.area td, tr.total td { font-weight: bold; }
tr.area td { background: #ededed; }
tr.group td { font-style: italic; }
.notes p { margin: 2pt 0; font-style: italic; }
section + section { break-before: page; }
`;

function cellHtml(c: Cell, labelColumn: boolean, indent: number): string {
  const cls = c.t === 'num' || c.t === 'int' ? ' class="n"' : labelColumn ? '' : ' class="t"';
  const style = indent > 0 ? ` style="padding-left:${indent}em"` : '';
  return `<td${cls}${style}>${e(cellText(c))}</td>`;
}

function sheetHtml(book: SummaryBook, sheet: Sheet): string {
  const issuer =
    (book.issuer.parent ? `<p>${e(upper(book.issuer.parent))}</p>` : '') +
    `<p><strong>${e(upper(book.issuer.name))}</strong></p>`;
  const head = sheet.header.map((h) => `<th scope="col">${e(h)}</th>`).join('');
  const rows = sheet.rows
    .map((r) => {
      const cells = r.cells.map((c, i) =>
        cellHtml(c, i < sheet.labelColumns, i === sheet.indentColumn ? r.level : 0),
      );
      return `<tr class="${r.style}">${cells.join('')}</tr>`;
    })
    .join('\n');
  return (
    `<section aria-label="${e(sheet.name)}"><div class="issuer">${issuer}</div>` +
    `<h1>${e(sheet.title)}</h1>${sheet.subtitles.map((s) => `<p class="sub">${e(s)}</p>`).join('')}` +
    `<div class="wrap"><table><thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody></table></div>` +
    `<div class="notes">${sheet.notes.map((n) => `<p>${e(n)}</p>`).join('')}</div></section>`
  );
}

export function summaryBookToHtml(book: SummaryBook): string {
  return page(book.title, SUMMARY_CSS, book.sheets.map((s) => sheetHtml(book, s)).join('\n'));
}
