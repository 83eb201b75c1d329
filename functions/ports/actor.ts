/** The actor of every write that records who acted: decisions, revisions, audit entries. */

/** Who did something, and from where (kept with every decision and audit entry). */
export interface Actor {
  kind: 'unit' | 'reviewer' | 'council' | 'admin' | 'leadership' | 'system';
  /** Unit id, person id, or the name of the system step. */
  id: string;
  email?: string;
  /** Source IP address of the request, when a person acted through a page. */
  ip?: string;
  userAgent?: string;
}
