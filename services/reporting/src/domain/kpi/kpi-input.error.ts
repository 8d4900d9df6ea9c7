/** Facts or settings a KPI cannot be computed from; mapped to INVALID_ARGUMENT at the edge. */
export class KpiInputError extends Error {
  readonly code = 'KPI_INVALID_INPUT';

  constructor(detail: string) {
    super(detail);
    this.name = 'KpiInputError';
  }
}

export function requireKpiInput(condition: boolean, detail: string): void {
  if (!condition) throw new KpiInputError(detail);
}
