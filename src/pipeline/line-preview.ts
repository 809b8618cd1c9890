// The bounded start of a landing line that quarantine keeps when it cannot keep the line itself
// (over the size limit, not UTF-8, cut short by a damaged file): enough to recognise it by.

/** Bytes of a line a preview shows at most. */
export const PREVIEW_BYTES = 1024;

/**
 * The first PREVIEW_BYTES of a line as text, cut before a character that would not fit whole;
 * bytes that are not UTF-8 show as U+FFFD.
 */
export function previewOf(line: Uint8Array): string {
  let end = Math.min(line.length, PREVIEW_BYTES);
  // A byte 10xxxxxx continues a character that started before it: cut where one starts.
  if (end < line.length) while (end > 0 && (line[end] & 0xc0) === 0x80) end--;
  return Buffer.from(line.buffer, line.byteOffset, end).toString('utf8');
}
