"""The memory figure: the smallest -m, in steps of STEP MiB, at which a
kernel boots to busybox and completes a 100 MiB TCP transfer each way.

Bisection assumes that whatever works at one size works at every larger
one.  It tries the largest size first, so that a kernel that cannot do it
at all is told apart from one that needs the least size."""

# The first step (where QEMU cannot even place Strata's kernel, initramfs
# and device tree) to far more than either kernel needs (Linux 6.1 with its
# busybox initramfs: about 64).
LOW_MIB = 8
HIGH_MIB = 512
STEP_MIB = 8


def smallest_passing(passes, low=LOW_MIB, high=HIGH_MIB, step=STEP_MIB):
    """The smallest size in low, low+step, ..., high for which passes(size)
    is true, or None if passes(high) is not.  Each size is tried at most
    once, and at most 1 + ceil(log2((high - low) / step + 1)) of them."""
    if low > high or (high - low) % step:
        raise ValueError("sizes %d to %d are not whole steps of %d" % (low, high, step))
    if not passes(high):
        return None
    # passes(low + last * step) is true; every size below low + first * step
    # failed (or is below low).
    first, last = 0, (high - low) // step
    while first < last:
        middle = (first + last) // 2
        if passes(low + middle * step):
            last = middle
        else:
            first = middle + 1
    return low + last * step
