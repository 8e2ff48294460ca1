"""The table's arithmetic: a figure's runs as "median [min-max]", and the
ratio of the two kernels' medians, > 1 meaning Strata is better.

The median, not the mean: on this shared machine one run in five can be
slowed twofold by another job, and the median of five alternating runs
ignores it where a mean would not.
"""


def median(values):
    """The middle value of VALUES (the mean of the middle two when even)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("the median of no values")
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def number(value):
    """A figure as the table prints it: three decimals below 10 (round
    trips of a fraction of a millisecond), one below 10000, none above."""
    if value is None:
        return "-"
    if value < 10:
        return "%.3f" % value
    return "%.1f" % value if value < 10000 else "%.0f" % value


def cell(values):
    """One kernel's runs of a figure: "-" for none, the value for one,
    "median [min-max]" for more."""
    if not values:
        return "-"
    if len(values) == 1:
        return number(values[0])
    return "%s [%s-%s]" % (number(median(values)), number(min(values)), number(max(values)))


def ratio(strata_values, linux_values, higher_is_better):
    """The ratio of the medians, > 1 meaning Strata is better: strata/linux
    for throughputs and rates, linux/strata for times and losses; "-" when a
    side has no run or a median is 0 (no loss: no ratio to speak of)."""
    if not strata_values or not linux_values:
        return "-"
    strata, linux = median(strata_values), median(linux_values)
    if strata == 0 or linux == 0:
        return "-"
    return "%.2f" % (strata / linux if higher_is_better else linux / strata)


def table(rows):
    """ROWS (tuples of strings, the first the heading) as lines with the
    columns aligned; no trailing blanks."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(text.ljust(widths[column]) for column, text in enumerate(row)).rstrip()
            for row in rows]
