import { type AdditiveKpi, addCounters, ratio } from './additive-kpi';

/** Settled FCR outcome of a contact whose window has closed or that already saw a return. */
export type FcrOutcome = 'resolved' | 'repeated';

export interface FirstContactResolutionSums {
  readonly resolved: number;
  readonly repeated: number;
}

export interface FirstContactResolutionReading {
  readonly rate: number | null;
}

/** Counts settled outcomes from the classifier, in the interval the first contact ended. */
export class FirstContactResolutionKpi implements AdditiveKpi<FcrOutcome, FirstContactResolutionSums, FirstContactResolutionReading> {
  empty(): FirstContactResolutionSums {
    return { resolved: 0, repeated: 0 };
  }

  add(sums: FirstContactResolutionSums, outcome: FcrOutcome): FirstContactResolutionSums {
    return outcome === 'resolved' ? { ...sums, resolved: sums.resolved + 1 } : { ...sums, repeated: sums.repeated + 1 };
  }

  merge(a: FirstContactResolutionSums, b: FirstContactResolutionSums): FirstContactResolutionSums {
    return addCounters(a, b);
  }

  read(sums: FirstContactResolutionSums): FirstContactResolutionReading {
    return { rate: ratio(sums.resolved, sums.resolved + sums.repeated) };
  }
}
