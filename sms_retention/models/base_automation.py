# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models, tools


class BaseAutomation(models.Model):
    """Find the automation rules of a model from a cache.

    Odoo searches the rules of a model on every write of its records and on
    every recomputation of their stored fields: six searches for one sale
    order confirmation, whether any rule fires or not. The rule ids per model
    and trigger are cached, and the cache is cleared whenever a rule is
    created, changed or deleted.

    Sudo policy: rules are looked up as superuser, as Odoo's lookup does;
    the rules returned carry the caller's environment.
    """

    _inherit = "base.automation"

    @api.model
    def _get_actions(self, records, triggers):
        if "__action_done" not in self._context:
            self = self.with_context(__action_done={})
        rule_ids = self._sms_retention_rule_ids(records._name, tuple(sorted(triggers)))
        return self.browse(rule_ids)

    @api.model
    @tools.ormcache("model_name", "triggers")
    def _sms_retention_rule_ids(self, model_name, triggers):
        """Ids of the active rules of ``model_name`` for ``triggers``, in
        Odoo's order."""
        return tuple(
            self.with_context(active_test=True)
            .sudo()
            .search([("model_name", "=", model_name), ("trigger", "in", triggers)])
            .ids
        )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _sms_retention_rule_ids
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()  # _sms_retention_rule_ids
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()  # _sms_retention_rule_ids
        return super().unlink()
