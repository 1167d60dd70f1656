// Redaction hints on Spanish and Portuguese accounts (issue 31 item 6): names with accents,
// dd/mm/yyyy dates and month names, R$, MXN and other Latin American amounts.
import { describe, expect, it } from 'vitest';
import { findIdentifiers, type IdentifierKind } from '../../views/assets/moderation/redaction.js';

const found = (text: string, kind: IdentifierKind) =>
  findIdentifiers(text)
    .filter((m) => m.kind === kind)
    .map((m) => m.text);

describe('redaction hints in Spanish', () => {
  it('finds names with accents, cued or in a run', () => {
    expect(found('Mi jefe, José Hernández, nos escribió por Slack.', 'name')).toContain('José Hernández');
    expect(found('La reclutadora Lucía Ordóñez me llamó.', 'name')).toContain('Lucía Ordóñez');
    expect(found('Hablé con mi supervisora Begoña.', 'name')).toContain('Begoña');
    expect(found('Trabajé con Ramón Núñez en Outlier.', 'name')).toContain('Ramón Núñez');
  });

  it('finds dates as dd/mm/yyyy and with month names', () => {
    expect(found('Me dieron de baja el 14/03/2024 sin aviso.', 'date')).toEqual(['14/03/2024']);
    expect(found('El proyecto cerró el 3 de marzo de 2024.', 'date')).toEqual(['3 de marzo de 2024']);
    expect(found('Empecé en septiembre de 2023 y terminé el 1 de diciembre.', 'date')).toEqual(['septiembre de 2023', '1 de diciembre']);
    expect(found('Desde el 5 de ene. hasta el 20 de feb.', 'date')).toEqual(['5 de ene.', '20 de feb.']);
  });

  it('finds amounts in pesos and dollars, with their rate', () => {
    expect(found('Me pagaban 150 MXN por hora.', 'money')).toEqual(['150 MXN por hora']);
    expect(found('Eran MXN 3,500 a la semana.', 'money')).toEqual(['MXN 3,500 a la semana']);
    expect(found('Cobraba US$ 12 la hora, unos 200 pesos.', 'money')).toEqual(['US$ 12 la hora', '200 pesos']);
    expect(found('Me debían 45 dólares por tarea.', 'money')).toEqual(['45 dólares por tarea']);
  });

  it('does not take month or weekday names, or sentence-initial words, for names', () => {
    expect(found('Marzo fue duro. El lunes nos cortaron el acceso. Mayo también.', 'name')).toEqual([]);
    expect(found('Nos Dijeron Que Esperáramos.', 'name')).toEqual([]);
  });
});

describe('redaction hints in Portuguese', () => {
  it('finds names with accents', () => {
    expect(found('Minha supervisora, Conceição Araújo, sumiu do grupo.', 'name')).toContain('Conceição Araújo');
    expect(found('O recrutador João Gonçalves prometeu mais tarefas.', 'name')).toContain('João Gonçalves');
  });

  it('finds dates as dd/mm/yyyy and with month names', () => {
    expect(found('Fui desativado no dia 12/09/2024.', 'date')).toEqual(['12/09/2024']);
    expect(found('O projeto acabou em 5 de março de 2024.', 'date')).toEqual(['5 de março de 2024']);
    expect(found('Comecei em outubro de 2023 e parei em 1º de maio.', 'date')).toEqual(['outubro de 2023', '1º de maio']);
  });

  it('finds amounts in reais: R$ with a decimal comma, and words', () => {
    expect(found('Recebi R$ 1.200,50 por semana.', 'money')).toEqual(['R$ 1.200,50 por semana']);
    expect(found('Pagavam R$45/hora no começo.', 'money')).toEqual(['R$45/hora']);
    expect(found('Eram uns 300 reais por mês.', 'money')).toEqual(['300 reais por mês']);
    expect(found('Cobravam BRL 80 por tarefa.', 'money')).toEqual(['BRL 80 por tarefa']);
  });

  it('does not take month names for names, nor a version number for a date', () => {
    expect(found('Março foi o pior mês. Em Setembro melhorou.', 'name')).toEqual([]);
    expect(found('Usávamos a versão 2.3.12 da ferramenta.', 'date')).toEqual([]);
  });
});
