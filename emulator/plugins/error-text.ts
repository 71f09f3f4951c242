// One line of text for anything a plugin throws: an Error's message, or the thrown value as a
// string — and something readable even when the value's own toString or message getter throws
// (a hostile plugin must not turn its error report into an internal error of tbscope).

export function errorText(e: unknown): string {
  try {
    const text = e instanceof Error ? String(e.message) : String(e);
    return text.split('\n')[0];
  } catch {
    return `a thrown ${typeof e} that cannot be shown (its toString throws)`;
  }
}
