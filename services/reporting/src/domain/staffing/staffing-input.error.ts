/** Staffing inputs no queueing formula can answer; mapped to INVALID_ARGUMENT at the edge. */
export class StaffingInputError extends Error {
  readonly code = 'STAFFING_INVALID_INPUT';

  constructor(detail: string) {
    super(detail);
    this.name = 'StaffingInputError';
  }
}

export function requireStaffingInput(condition: boolean, detail: string): void {
  if (!condition) throw new StaffingInputError(detail);
}

export function requireAgentCount(agents: number, minimum: number): void {
  requireStaffingInput(Number.isInteger(agents) && agents >= minimum, `agents must be an integer >= ${minimum}, got ${agents}`);
}

export function requireNonNegative(name: string, value: number): void {
  requireStaffingInput(Number.isFinite(value) && value >= 0, `${name} must be a finite number >= 0, got ${value}`);
}

export function requirePositive(name: string, value: number): void {
  requireStaffingInput(Number.isFinite(value) && value > 0, `${name} must be a finite number > 0, got ${value}`);
}
