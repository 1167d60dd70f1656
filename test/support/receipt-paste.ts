// The ways people paste receipt words (issue 28), shared by the unit and browser tests.

/** The receipt card's text as a browser copies it (views/partials/receipt-card.hbs), with or without its numbers. */
export function cardText(list: readonly string[], numbered: boolean): string {
  const items = list.map((w, i) => (numbered ? `${i + 1}. ${w}` : w)).join('\n');
  return `Receipt: twelve words\n${items}\nKeep this card private: whoever holds these words can read the moderators' questions and withdraw the account.`;
}

export const PASTED_FORMATS: Record<string, (list: readonly string[]) => string> = {
  numbered: (list) => list.map((w, i) => `${i + 1}. ${w}`).join(' '),
  commas: (list) => list.join(', '),
  'line breaks': (list) => `\n${list.join('\r\n')}\n`,
  capitals: (list) => list.join(' ').toUpperCase(),
  'the whole card': (list) => cardText(list, true),
};
