import { RoutingStep, SkillCondition } from './queue.config';

const noConditions: readonly SkillCondition[] = [];

/**
 * Routing steps with their absolute end offsets precomputed, so finding the step of an item
 * is a short scan and the next step change is known for the deadline queue.
 */
export class CompiledSteps {
  /** ends[i] = ms after queue entry at which step i expires (Infinity when it never does). */
  private readonly ends: number[] = [];
  /** A canonical text per step; items whose steps have equal keys need the same agents. */
  private readonly keys: string[] = [];

  constructor(readonly steps: readonly RoutingStep[]) {
    let end = 0;
    for (const step of steps) {
      end += step.expiresAfterMs ?? Infinity;
      this.ends.push(end);
      this.keys.push(conditionsKey(step.conditions));
    }
  }

  /** Index of the step in force after waiting `ageMs`; steps.length means "any agent". */
  stepAt(ageMs: number): number {
    let index = 0;
    while (index < this.ends.length && ageMs >= this.ends[index]) index++;
    return index;
  }

  conditions(stepIndex: number): readonly SkillCondition[] {
    return stepIndex < this.steps.length ? this.steps[stepIndex].conditions : noConditions;
  }

  key(stepIndex: number): string {
    return stepIndex < this.keys.length ? this.keys[stepIndex] : '';
  }

  /** Step indexes run from 0 to this count, which stands for "any agent" after the last step. */
  get lastIndex(): number {
    return this.steps.length;
  }

  /** Age at which the given step ends, or undefined when it is the last and never ends. */
  endOf(stepIndex: number): number | undefined {
    const end = this.ends[stepIndex];
    return end === undefined || end === Infinity ? undefined : end;
  }
}

function conditionsKey(conditions: readonly SkillCondition[]): string {
  return conditions
    .map((condition) => `${condition.skill}>=${condition.minLevel}`)
    .sort()
    .join('&');
}

/** Whether the proficiencies satisfy every condition. */
export function satisfies(skills: ReadonlyMap<string, number>, conditions: readonly SkillCondition[]): boolean {
  for (const condition of conditions) {
    if ((skills.get(condition.skill) ?? 0) < condition.minLevel) return false;
  }
  return true;
}

/** Why the steps are malformed, or an empty list. */
export function stepProblems(steps: readonly RoutingStep[]): string[] {
  const problems: string[] = [];
  steps.forEach((step, index) => {
    const last = index === steps.length - 1;
    if (step.expiresAfterMs === undefined) {
      if (!last) problems.push(`step ${index + 1} needs an expiry because another step follows`);
    } else if (!Number.isInteger(step.expiresAfterMs) || step.expiresAfterMs <= 0) {
      problems.push(`step ${index + 1} expiry must be a positive whole number of ms`);
    }
    const seen = new Set<string>();
    for (const condition of step.conditions) {
      if (typeof condition.skill !== 'string' || condition.skill.length === 0) {
        problems.push(`step ${index + 1} has a condition without a skill`);
      } else if (seen.has(condition.skill)) {
        problems.push(`step ${index + 1} names skill "${condition.skill}" twice`);
      }
      seen.add(condition.skill);
      if (!Number.isInteger(condition.minLevel) || condition.minLevel < 1 || condition.minLevel > 5) {
        problems.push(`step ${index + 1} level for "${condition.skill}" must be 1 to 5`);
      }
    }
  });
  return problems;
}
