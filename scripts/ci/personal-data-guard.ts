/**
 * The last check before CI publishes text (a job summary, a pull-request comment): nothing that
 * looks like an email address leaves. The reports mask personal data already (src/gates/sample-privacy.ts);
 * this catches a regression before GitHub renders an address as a mailto link for everyone to see.
 */

/** An email address as a person or a producer writes one; the zero-width space of escaped mentions breaks none. */
const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+/g;

export const REDACTED = '[email address removed]';

/** The text with every email address replaced, and how many there were. */
export function redactEmails(text: string): { readonly text: string; readonly removed: number } {
  let removed = 0;
  const out = text.replace(EMAIL, () => {
    removed++;
    return REDACTED;
  });
  return { text: out, removed };
}
