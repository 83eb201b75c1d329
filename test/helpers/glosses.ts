/**
 * A bracketed English gloss beside Vietnamese, such as "(execution)" or "(Not found.)": ASCII words
 * alone in parentheses, in what a reader reads (DOMAIN.md: English is a language of its own, never a gloss).
 */
export const GLOSS = /\([A-Za-z][A-Za-z0-9 .,;:'-]*[A-Za-z][A-Za-z0-9 .,;:'-]*\)/;

/** What a reader reads: the text outside tags, styles and scripts. */
export function readable(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ');
}
