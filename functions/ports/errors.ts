/**
 * Why a port refused: errors every storage port throws, in domain terms (no DynamoDB types), so a
 * step turns them into stable error names (functions/steps/middleware.ts) and a page into its
 * answer (functions/web/http.ts).
 */

/** Why a write was refused. */
export type ConflictReason = 'version' | 'status' | 'exists';

/**
 * The stored state is not what the caller expected: someone else saved since the caller read it
 * (`version`), the record is in another state (`status`), or an immutable record already exists
 * with different content (`exists`). Nothing was changed. The message is for people (Vietnamese
 * first: pages may show it as is).
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  readonly reason: ConflictReason;
  /** What is stored now, when known (e.g. the current version and status). */
  readonly current?: { version?: number; status?: string };
  constructor(reason: ConflictReason, message: string, current?: { version?: number; status?: string }) {
    super(message);
    this.reason = reason;
    this.current = current;
  }
}

/** The record the caller names does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly entity: string;
  readonly key: string;
  constructor(entity: string, key: string) {
    super(`${entity} not found: ${key}`);
    this.entity = entity;
    this.key = key;
  }
}

/** A document would exceed DynamoDB's 400 KB item limit. Nothing was written. */
export class ItemTooLargeError extends Error {
  override readonly name = 'ItemTooLargeError';
  /** The document's size and the most one item stores, in bytes, when the store measured them. */
  readonly bytes?: number;
  readonly limit?: number;
  constructor(message: string, size?: { bytes: number; limit: number }) {
    super(message);
    if (size) {
      this.bytes = size.bytes;
      this.limit = size.limit;
    }
  }
}

/**
 * The table holds data written by an earlier storage layout (docs/storage.md, "Data written by an
 * earlier layout"): nothing is read or written, and retrying cannot help. The message says what to
 * do; a step fails with the error name `SchemaMismatch`.
 */
export class SchemaMismatchError extends Error {
  override readonly name = 'SchemaMismatchError';
  readonly found: number;
  readonly expected: number;
  constructor(found: number, expected: number) {
    super(
      `Dữ liệu trong bảng được ghi theo cấu trúc cũ (phiên bản ${found}, cần ${expected}); ` +
        'hãy bắt đầu lại với dữ liệu mới (README, "Upgrading"). ' +
        `(The table holds data in storage layout ${found}; this code reads layout ${expected}. ` +
        'Start over with fresh data: README, "Upgrading".)',
    );
    this.found = found;
    this.expected = expected;
  }
}

/** Message of a version conflict on a report, shown to the unit. */
export const REPORT_VERSION_CONFLICT =
  'Báo cáo đã được người khác lưu kể từ khi bạn mở trang; hãy tải lại trang. ' +
  '(Someone else saved this report since you opened it; reload the page.)';
