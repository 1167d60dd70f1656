// The refusal for a draft that still carries unresolved identifier marks: the console says it
// before sending, and the server says it again from the console's count (it cannot read the text).
export function unresolvedMarksMessage(unresolved: number): string {
  return `${unresolved} likely identifier${unresolved === 1 ? ' is' : 's are'} still marked in the draft: redact each or mark it as not identifying.`;
}
