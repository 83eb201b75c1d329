/**
 * HTML escaping for every user-supplied string that reaches a page or an email (DESIGN.md).
 * Escapes & < > " ' and the backtick (old IE treated it as an attribute quote), so the result is
 * safe in element content and in quoted attribute values. Not for URLs in href (check the scheme)
 * nor for script or style contexts, which pages never fill with user data.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value).replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c);
}
