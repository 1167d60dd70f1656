// The submission form's view model: vocabularies with the source's earlier choices marked,
// so that a refused form comes back as it was typed.
import { conditionAnswers, conditions, consents, factGroups, factQuestions, hoursBands, payBands, platforms, roles, taskTypes, type Term } from '../../common/vocabulary.js';
import type { FormFields } from '../../common/intake/account.js';

interface Choice {
  key: string;
  label: string;
  selected: boolean;
}

function values(fields: FormFields, name: string): string[] {
  const value = fields[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function choices(terms: readonly Term[], fields: FormFields, name: string): Choice[] {
  const chosen = values(fields, name);
  return terms.map((t) => ({ key: t.key, label: t.label, selected: chosen.includes(t.key) }));
}

/** An answer some questions keep for accounts that gave it; new sources skip the question instead. */
const PREFER_NOT_TO_SAY = 'prefer_not_to_say';

export function submitFormModel(fields: FormFields = {}) {
  return {
    roles: choices(roles.terms, fields, 'role'),
    platforms: choices(platforms.terms, fields, 'platforms'),
    taskTypes: choices(taskTypes.terms, fields, 'taskTypes'),
    payBands: choices(payBands.terms, fields, 'payBand'),
    hoursBands: choices(hoursBands.terms, fields, 'hoursBand'),
    conditions: conditions.terms.map((c) => ({
      key: c.key,
      label: c.label,
      answers: choices(conditionAnswers.terms, fields, `condition_${c.key}`),
    })),
    consents: choices(consents.terms, fields, 'consent'),
    // The optional section "The facts reporters ask about", one fieldset per group.
    factGroups: factGroups.terms.map((group) => ({
      key: group.key,
      label: group.label,
      questions: factQuestions
        .filter((q) => q.group === group.key)
        // The form's empty choice already reads "Prefer not to say": the union question's own such answer would say it twice.
        .map((q) => ({
          key: q.key,
          label: q.label,
          hint: q.hint,
          answers: choices(
            q.answers.terms.filter((t) => t.key !== PREFER_NOT_TO_SAY),
            fields,
            q.key,
          ),
        })),
    })),
    halfYear: values(fields, 'halfYear')[0] ?? '',
    narrative: values(fields, 'narrative')[0] ?? '',
    quotable: values(fields, 'quotable')[0] ?? '',
  };
}
