# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import BaseCase, tagged

from ..tools import stats


@tagged("post_install", "-at_install")
class TestStats(BaseCase):
    """Against published and hand-computed values."""

    def test_wilson_interval(self):
        low, high = stats.wilson_interval(81, 263)
        self.assertAlmostEqual(low, 0.2553, places=4)
        self.assertAlmostEqual(high, 0.3662, places=4)
        self.assertEqual(stats.wilson_interval(0, 0), (0.0, 1.0))
        low, high = stats.wilson_interval(0, 10)
        self.assertAlmostEqual(low, 0.0)
        self.assertAlmostEqual(high, 0.2775, places=4)

    def test_proportion_difference_newcombe_example(self):
        """Newcombe (1998), Table II, 56/70 against 48/80, method 10."""
        result = stats.proportion_difference(56, 70, 48, 80)
        self.assertAlmostEqual(result.difference, 0.2)
        self.assertAlmostEqual(result.low, 0.0524, places=4)
        self.assertAlmostEqual(result.high, 0.3339, places=4)
        # Pooled z: 0.2 / sqrt(104/150 * 46/150 * (1/70 + 1/80)) = 2.65.
        self.assertAlmostEqual(result.p_value, 0.0080, places=4)
        self.assertTrue(result.significant)

    def test_small_and_empty_groups(self):
        self.assertIsNone(stats.proportion_difference(1, 10, 0, 0))
        result = stats.proportion_difference(3, 30, 2, 30)
        self.assertFalse(result.significant)
        self.assertLess(result.low, 0)
        self.assertGreater(result.high, 0)
        nothing = stats.proportion_difference(0, 200, 0, 20)
        self.assertEqual((nothing.difference, nothing.p_value), (0.0, 1.0))
        self.assertFalse(nothing.significant)

    def test_mean_difference(self):
        """1, 2, 3, 4 against 2, 4, 6, 8: means 2.5 and 5, variances 5/3 and
        20/3, standard error sqrt(25/12)."""
        result = stats.mean_difference((4, 10, 30), (4, 20, 120))
        self.assertAlmostEqual(result.difference, -2.5)
        self.assertAlmostEqual(result.low, -5.3290, places=4)
        self.assertAlmostEqual(result.high, 0.3290, places=4)
        self.assertAlmostEqual(result.p_value, 0.0833, places=4)
        self.assertIsNone(stats.mean_difference((1, 5, 25), (4, 20, 120)))
        same = stats.mean_difference((3, 0, 0), (5, 0, 0))
        self.assertEqual((same.difference, same.p_value), (0.0, 1.0))

    def test_customers_needed(self):
        """10% against 15%, 5% two-sided, power 80%: 686 per group (Fleiss,
        without continuity correction)."""
        self.assertEqual(stats.customers_needed(0.10, 0.15), 686)
        self.assertEqual(stats.customers_needed(0.15, 0.10), 686)
        self.assertIsNone(stats.customers_needed(0.2, 0.2))
