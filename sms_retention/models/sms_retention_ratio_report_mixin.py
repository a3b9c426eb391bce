# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL


class SmsRetentionRatioReportMixin(models.AbstractModel):
    """Rates of SQL-view reports that stay exact on grouped rows.

    A report lists its rates in ``_sms_retention_ratios``: ``{rate field:
    (numerator, denominator, factor)}``, where the numerator is a field or a
    pair ``(a, b)`` read as ``a - b``. Grouped, such a rate (aggregated with
    ``avg``) is ``factor * SUM(numerator) / SUM(denominator)``, not the
    average of the rows' rates. Read-only reports; no sudo.
    """

    _name = "sms.retention.ratio.report.mixin"
    _description = "SMS Retention Report with Weighted Rates"
    _sms_retention_ratios = {}

    def _read_group_select(self, aggregate_spec, query):
        fname, _property, func = parse_read_group_spec(aggregate_spec)
        if func != "avg" or fname not in self._sms_retention_ratios:
            return super()._read_group_select(aggregate_spec, query)
        numerator, denominator, factor = self._sms_retention_ratios[fname]

        def total(name):
            return SQL("SUM(%s)", self._field_to_sql(self._table, name, query))

        if isinstance(numerator, tuple):
            top = SQL("(%s - %s)", total(numerator[0]), total(numerator[1]))
        else:
            top = total(numerator)
        return (
            SQL("%s * %s / NULLIF(%s, 0)", factor, top, total(denominator)),
            [fname],
        )
