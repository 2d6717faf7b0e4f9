/**
 * `get_cycles()` stand-ins. The kernel's `All test took CPU<n>=<cycles> cycles` line reads a cycle
 * counter; the model measures nanoseconds, so cycles are **estimated** as `ns × hz / 1e9` with a nominal
 * counter rate per machine preset:
 *
 * | machine | rate | why |
 * | --- | --- | --- |
 * | `i5-3320m` | 2.6 GHz | x86 `get_cycles()` is the TSC, constant-rate at the nominal 2.60 GHz |
 * | `hikey960` | 1.92 MHz | arm64 `get_cycles()` reads the generic timer (CNTVCT_EL0), not the core clock. Inferred: the seed's 463,767,978 cycles for a whole performance run would be 0.19 s at a 2.4 GHz core clock (8 ns per vmalloc+vfree, impossible), but 4 minutes at a 1.92 MHz timer; 1.92 MHz is the usual HiSilicon timer rate. The exact rate is set by firmware (CNTFRQ). |
 * | anything else | 1 GHz | cycles = nanoseconds |
 */
export interface CycleClock {
  /** Counter ticks per second. */
  readonly hz: number;
  /** What the rate is and where it comes from. */
  readonly source: string;
}

const CLOCKS: Readonly<Record<string, CycleClock>> = {
  "i5-3320m": { hz: 2.6e9, source: "TSC at the nominal 2.60 GHz (x86 get_cycles)" },
  hikey960: { hz: 1.92e6, source: "arm64 generic timer at 1.92 MHz (get_cycles reads CNTVCT; rate inferred)" },
};

const NOMINAL: CycleClock = { hz: 1e9, source: "nominal 1 GHz: cycles = nanoseconds" };

/** The counter the kernel's cycle figures would come from on this machine (see the table above). */
export function cycleClockFor(machineId: string | undefined): CycleClock {
  return (machineId !== undefined ? CLOCKS[machineId] : undefined) ?? NOMINAL;
}

/** `ns` as estimated counter ticks, rounded to an integer. */
export function nsToCycles(ns: number, clock: CycleClock): number {
  return Math.round((ns * clock.hz) / 1e9);
}
