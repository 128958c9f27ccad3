/**
 * PLACEHOLDER until the matrix issue lands: the shape of a maintenance matrix and a default that
 * names the organisation's levels. Validation, routing and the real defaults replace this file.
 */

export interface MatrixBody {
  name: string;
  levels: string[];
  categories: string[];
  severities: string[];
  costBandsVnd: number[];
  rules: unknown[];
  legalBasis?: string;
}

export function defaultMatrix(levels: readonly string[]): MatrixBody {
  return {
    name: 'Placeholder matrix (no rules yet)',
    levels: [...levels],
    categories: ['hardware', 'peripheral', 'network', 'software', 'upstream'],
    severities: ['critical', 'major', 'minor'],
    costBandsVnd: [0],
    rules: [],
    legalBasis: '',
  };
}

export interface UnitNode {
  id: string;
  code: string;
  level: string;
  parentId: string | null;
}

/**
 * The rules that would be unresolvable for `unit` in `tree` (empty = fine). Placeholder: accepts all.
 */
export function unresolvableRulesFor(
  _matrix: MatrixBody,
  _tree: readonly UnitNode[],
  _unit: UnitNode,
): string[] {
  return [];
}
