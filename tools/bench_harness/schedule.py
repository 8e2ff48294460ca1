"""The order the benchmarks run in: run by run, and in each run every job
on Strata then on Linux, so that the two kernels alternate (strata, linux,
strata, linux...) and a burst of load from another job on the machine falls
on both, and on one run of each figure rather than on all of one figure's.
"""

KERNELS = ("strata", "linux")


class Job:
    """What one boot (or, for memory, one bisection; for a lab, one
    grading) yields: NAME, the KERNELS it runs on (a lab's grading has no
    Linux side), and RUN, called with a kernel's name, returning
    {figure: value} for that run ({} when it failed)."""

    def __init__(self, name, kernels, run):
        self.name, self.kernels, self.run = name, tuple(kernels), run


def alternating(jobs, runs, kernels=KERNELS):
    """[(run, job, kernel)] in the order they run, for the KERNELS taking
    part (in KERNELS' order)."""
    return [(run, job, kernel) for run in range(runs) for job in jobs
            for kernel in kernels if kernel in job.kernels]
