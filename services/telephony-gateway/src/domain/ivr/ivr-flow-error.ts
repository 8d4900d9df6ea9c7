export type IvrFlowProblemCode =
  | 'INVALID_FIELD'
  | 'DUPLICATE_NODE'
  | 'UNKNOWN_NODE_REF'
  | 'UNREACHABLE_NODE'
  | 'CYCLE_WITHOUT_INPUT'
  | 'MISSING_PROMPT'
  | 'UNKNOWN_PROMPT'
  | 'QUEUE_NOT_SET';

export interface IvrFlowProblem {
  readonly code: IvrFlowProblemCode;
  /** JSON path of the offending value, e.g. `nodes[2].options.1`. */
  readonly path: string;
  readonly message: string;
}

/** A flow that failed validation; carries every problem found, not just the first. */
export class IvrFlowError extends Error {
  readonly code = 'INVALID_IVR_FLOW';

  constructor(readonly problems: readonly IvrFlowProblem[]) {
    super(`invalid IVR flow: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = IvrFlowError.name;
  }
}
