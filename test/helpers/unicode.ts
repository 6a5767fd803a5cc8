/** No lone surrogate: the text is valid Unicode (String#isWellFormed, Node 20+; the TypeScript lib here predates it). */
export function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}
