# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Significance of a difference between two groups, free of the ORM.

Used for the lift of a campaign over its holdout group and for A/B
variants: "texted" against "not texted", or a variant against the best one.

* Rates (conversion, click, reply): the difference of two proportions, with
  Newcombe's hybrid Wilson interval (honest with a few hundred customers
  and with rates near 0, where the textbook Wald interval is not) and the
  pooled two-proportion z-test.
* Means (revenue per customer): Welch's difference of means with a normal
  interval, from each group's count, sum and sum of squares.
* How many more customers a test needs to call the observed difference
  significant (two-sided 5%, power 80%).
"""

import math
from statistics import NormalDist
from typing import NamedTuple

_NORMAL = NormalDist()


class Difference(NamedTuple):
    """``a - b`` with its confidence interval and two-sided p-value."""

    a: float
    b: float
    difference: float
    low: float
    high: float
    p_value: float

    @property
    def significant(self):
        """Whether the interval excludes 0 (p below 1 - confidence)."""
        return self.low > 0 or self.high < 0


def _z(confidence):
    return _NORMAL.inv_cdf(0.5 + confidence / 2)


def _two_sided_p(z):
    return 2 * (1 - _NORMAL.cdf(abs(z)))


def wilson_interval(successes, total, confidence=0.95):
    """Wilson score interval of ``successes / total``: ``(low, high)``."""
    if not total:
        return 0.0, 1.0
    z = _z(confidence)
    rate = successes / total
    denominator = 1 + z * z / total
    centre = (rate + z * z / (2 * total)) / denominator
    half = z * math.sqrt(rate * (1 - rate) / total + z * z / (4 * total * total))
    half /= denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion_difference(successes_a, total_a, successes_b, total_b, confidence=0.95):
    """Difference of two rates, ``a - b``, as a :class:`Difference`; None
    while a group is empty."""
    if not total_a or not total_b:
        return None
    rate_a, rate_b = successes_a / total_a, successes_b / total_b
    low_a, high_a = wilson_interval(successes_a, total_a, confidence)
    low_b, high_b = wilson_interval(successes_b, total_b, confidence)
    difference = rate_a - rate_b
    # Newcombe (1998), method 10.
    low = difference - math.sqrt((rate_a - low_a) ** 2 + (high_b - rate_b) ** 2)
    high = difference + math.sqrt((high_a - rate_a) ** 2 + (rate_b - low_b) ** 2)
    pooled = (successes_a + successes_b) / (total_a + total_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / total_a + 1 / total_b))
    p_value = _two_sided_p(difference / spread) if spread else 1.0
    return Difference(rate_a, rate_b, difference, low, high, p_value)


def mean_difference(group_a, group_b, confidence=0.95):
    """Difference of two means, ``a - b``, as a :class:`Difference`; None
    while a group has fewer than 2 members.

    :param group_a: ``(count, sum, sum of squares)`` of the group's values
    """
    (count_a, sum_a, squares_a), (count_b, sum_b, squares_b) = group_a, group_b
    if count_a < 2 or count_b < 2:
        return None
    mean_a, mean_b = sum_a / count_a, sum_b / count_b
    variance_a = max(squares_a - count_a * mean_a**2, 0.0) / (count_a - 1)
    variance_b = max(squares_b - count_b * mean_b**2, 0.0) / (count_b - 1)
    error = math.sqrt(variance_a / count_a + variance_b / count_b)
    difference = mean_a - mean_b
    if not error:
        same = difference == 0
        return Difference(
            mean_a, mean_b, difference, difference, difference, 1.0 if same else 0.0
        )
    half = _z(confidence) * error
    return Difference(
        mean_a,
        mean_b,
        difference,
        difference - half,
        difference + half,
        _two_sided_p(difference / error),
    )


def customers_needed(rate_a, rate_b, alpha=0.05, power=0.8):
    """Customers per group for a two-sided test at ``alpha`` to detect the
    difference between ``rate_a`` and ``rate_b`` with ``power``; None when
    the rates are equal (no difference to detect)."""
    if rate_a == rate_b:
        return None
    mean_rate = (rate_a + rate_b) / 2
    z_alpha = _NORMAL.inv_cdf(1 - alpha / 2)
    z_power = _NORMAL.inv_cdf(power)
    numerator = z_alpha * math.sqrt(2 * mean_rate * (1 - mean_rate)) + z_power * (
        math.sqrt(rate_a * (1 - rate_a) + rate_b * (1 - rate_b))
    )
    return math.ceil((numerator / (rate_a - rate_b)) ** 2)
