import { describe, expect, it } from 'vitest';
import { formatDateTime } from '#domain/calendar';
import { ESCAPED_SCRIPT, everyEmail, INSTANTS, LINK, sender } from './mail-fixtures.ts';

const mails = Object.entries(everyEmail());

/** The text before the English line: what a Vietnamese reader reads. */
function vietnamesePart(text: string): string {
  const at = text.indexOf('\n[English] ');
  return at < 0 ? text : text.slice(0, at);
}

/** A bracketed gloss such as "(execution)" or "(Not found.)": ASCII words alone in parentheses. */
const GLOSS = /\([A-Za-z][A-Za-z .,'-]*\)/;

describe('every email', () => {
  it.each(mails)('%s: every user string is escaped in the HTML', (_name, mail) => {
    expect(mail.html).not.toContain('<script');
    expect(mail.html).toContain(ESCAPED_SCRIPT);
  });

  it.each(mails)(
    '%s: Vietnamese with no English glosses beside it; one English line at the end',
    (_name, mail) => {
      expect(vietnamesePart(mail.text)).not.toMatch(GLOSS);
      expect(mail.subject).not.toMatch(GLOSS);
      const html = mail.html.slice(0, mail.html.indexOf('<p lang="en"'));
      expect(html.length).toBeGreaterThan(0);
      expect(html).not.toMatch(GLOSS);
      // The English comes once, after the Vietnamese footer, on lines of its own.
      const lines = mail.text.split('\n');
      const english = lines.findIndex((l) => l.startsWith('[English] '));
      expect(lines.filter((l) => l.startsWith('[English] '))).toHaveLength(1);
      expect(english).toBeGreaterThan(lines.indexOf('--'));
      expect(lines.slice(english + 1)).toEqual([expect.stringMatching(/^Automatic message/), '']);
    },
  );

  it.each(mails)('%s: dates dd/mm/yyyy, times on the district’s clock', (_name, mail) => {
    const text = vietnamesePart(mail.text);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    const shown = new Set(INSTANTS.map((i) => formatDateTime(i, sender.timeZone).replace(' ', ' ngày ')));
    for (const [time] of text.matchAll(/\d\d:\d\d ngày \d\d\/\d\d\/\d{4}/g)) expect(shown).toContain(time);
  });

  it.each(mails)(
    '%s: a link stands on its own line in the text; links and long words wrap in the HTML',
    (_name, mail) => {
      // The letter's body (paragraphs, facts, tables) breaks a long word rather than widen the page.
      expect(mail.html).toMatch(/<td style="padding:24px;[^"]*overflow-wrap:anywhere/);
      for (const line of mail.text.split('\n').filter((l) => /https?:\/\//.test(l))) expect(line).toBe(LINK);
      for (const [anchor] of mail.html.matchAll(/<a [^>]*>/g)) {
        expect(anchor).toContain('href="https://thidua.test/d?k=k1&amp;id=');
        expect(anchor).toMatch(/style="[^"]*overflow-wrap:anywhere/);
      }
    },
  );
});
