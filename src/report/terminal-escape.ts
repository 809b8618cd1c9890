// Data on a terminal: control characters shown as escapes, so a value can never drive the terminal.

/**
 * C0 and C1 controls, DEL, and bidi overrides and isolates: data must never move the cursor, clear
 * the screen, ring the bell or reorder what the reader sees.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A value as one visible line: control characters written as escapes (`\n`, `\x1b`, `\u202e`). */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

/**
 * One of our messages on a terminal: its own lines kept where a line break opens an indented line
 * (`\n  `, how our messages list items), every other control character of what it quotes escaped.
 * A quoted name holding a line break not followed by two spaces still shows it as `\n`, so a value
 * can at most continue an indented list, never start a line that reads like one of ours (`stedi: ...`).
 */
export function escapeMessage(text: string): string {
  return text.split(/\n(?=  )/).map(escapeControls).join('\n');
}
