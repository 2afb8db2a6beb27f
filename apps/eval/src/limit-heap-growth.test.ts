import { describe, expect, it, vi } from 'vitest';

const setFlagsFromString = vi.fn();
vi.mock('node:v8', () => ({ setFlagsFromString }));

const {
  largeDatasetBytes,
  largeDatasetHeapGrowth,
  limitedScoreWorkerYoungGenerationMb,
  limitHeapGrowth,
  liveModelHeapGrowth,
  scoreWorkerLimits,
  turnsHeapGrowth,
} = await import('./limit-heap-growth.js');
const { EvalError } = await import('./eval-error.js');

describe('limitHeapGrowth', () => {
  it("sets V8's heap growing percent for the process", () => {
    limitHeapGrowth(50);
    expect(setFlagsFromString).toHaveBeenCalledWith('--heap-growing-percent=50');
  });

  it.each([0, -5, 1.5, 1001, Number.NaN])('refuses %s as a usage error and sets nothing', (percent) => {
    setFlagsFromString.mockClear();
    expect(() => limitHeapGrowth(percent)).toThrow(EvalError);
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });
});

describe('turnsHeapGrowth', () => {
  it('keeps the chosen growth whatever the run calls', () => {
    expect(turnsHeapGrowth({ chosen: 200, callsLiveModel: true })).toBe(200);
    expect(turnsHeapGrowth({ chosen: 30, callsLiveModel: false })).toBe(30);
  });

  it('limits the growth of a run that waits on a live model host, and leaves V8 its own otherwise', () => {
    expect(turnsHeapGrowth({ callsLiveModel: true })).toBe(liveModelHeapGrowth);
    expect(liveModelHeapGrowth).toBe(50);
    expect(turnsHeapGrowth({ callsLiveModel: false })).toBeUndefined();
  });

  it('limits the growth of an offline run over a large dataset, and of no smaller one', () => {
    expect(turnsHeapGrowth({ callsLiveModel: false, datasetBytes: largeDatasetBytes })).toBe(
      largeDatasetHeapGrowth,
    );
    expect(turnsHeapGrowth({ callsLiveModel: false, datasetBytes: largeDatasetBytes - 1 })).toBeUndefined();
    expect(turnsHeapGrowth({ chosen: 200, callsLiveModel: false, datasetBytes: largeDatasetBytes })).toBe(
      200,
    );
    expect(largeDatasetHeapGrowth).toBe(50);
  });
});

describe('scoreWorkerLimits', () => {
  it('gives the scoring workers a small young generation when the turns run under a heap growth', () => {
    expect(scoreWorkerLimits(50)).toEqual({ maxYoungGenerationSizeMb: limitedScoreWorkerYoungGenerationMb });
    expect(scoreWorkerLimits(300)).toEqual({ maxYoungGenerationSizeMb: limitedScoreWorkerYoungGenerationMb });
    expect(limitedScoreWorkerYoungGenerationMb).toBe(6);
  });

  it("leaves V8 its own young generation when the turns keep V8's heap growth", () => {
    expect(scoreWorkerLimits(turnsHeapGrowth({ callsLiveModel: false }))).toBeUndefined();
  });
});
