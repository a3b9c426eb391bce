# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import functools

from odoo import api, models, tools

from odoo.addons.base_automation.models.base_automation import WRITE_TRIGGERS

# Where a rule's processing writes even when it does not fire.
PROCESS_WRITES_FIELD = "date_automation_last"
# "0" turns the shortcut off: every write goes through Odoo's processing.
SHORTCUT_PARAM = "sms_retention.automation_shortcut"
# The cache key of the write triggers, as ``_get_actions`` builds it.
WRITE_TRIGGERS_KEY = tuple(sorted(WRITE_TRIGGERS))


class BaseAutomation(models.Model):
    """Find the automation rules of a model from a cache, and skip their
    processing where no rule can fire.

    Odoo searches the rules of a model on every write of its records and on
    every recomputation of their stored fields: six searches for one sale
    order confirmation, whether any rule fires or not. The rules per model
    and trigger are cached with their trigger fields, and the cache is
    cleared whenever a rule is created, changed or deleted.

    Odoo also evaluates each rule's conditions and reads the old values
    around every such write and recomputation, though a rule with trigger
    fields fires only when one of them is written or recomputed. Where no
    rule of the model can fire, the write or recomputation goes straight to
    the model's own method (``sms_retention.automation_shortcut`` = ``0``
    turns this off). Confirming a sale order recomputes its totals and
    statuses six times, and none of them triggers an "on state set" rule.

    Sudo policy: rules are looked up as superuser, as Odoo's lookup does;
    the rules returned carry the caller's environment.
    """

    _inherit = "base.automation"

    @api.model
    def _get_actions(self, records, triggers):
        if "__action_done" not in self._context:
            self = self.with_context(__action_done={})
        rules = self._sms_retention_rules(records._name, tuple(sorted(triggers)))
        return self.browse([rule_id for rule_id, _names in rules])

    @api.model
    @tools.ormcache("model_name", "triggers")
    def _sms_retention_rules(self, model_name, triggers):
        """``((id, trigger field names), ...)`` of the active rules of
        ``model_name`` for ``triggers``, in Odoo's order; no names for a rule
        that any change triggers."""
        rules_sudo = (
            self.with_context(active_test=True)
            .sudo()
            .search([("model_name", "=", model_name), ("trigger", "in", triggers)])
        )
        return tuple(
            (rule.id, frozenset(rule.trigger_field_ids.mapped("name")))
            for rule in rules_sudo
        )

    @api.model
    @tools.ormcache("model_name")
    def _sms_retention_shortcut_rules(self, model_name):
        """The write rules of ``model_name`` (see :meth:`_sms_retention_rules`),
        or None when the shortcut is off. Cached: a changed system parameter
        clears the cache too."""
        if self.env["ir.config_parameter"].sudo().get_param(SHORTCUT_PARAM) == "0":
            return None
        return self._sms_retention_rules(model_name, WRITE_TRIGGERS_KEY)

    @api.model
    def _sms_retention_may_fire(self, records, changed):
        """Whether a write or recomputation of the fields ``changed`` of
        ``records`` may fire one of their model's write rules."""
        if PROCESS_WRITES_FIELD in records._fields:
            return True
        rules = self._sms_retention_shortcut_rules(records._name)
        if rules is None:
            return True
        return any(not names or not names.isdisjoint(changed) for _id, names in rules)

    def _register_hook(self):
        res = super()._register_hook()
        for model_class in self.env.registry.values():
            for name, wrap in (
                ("write", _write_shortcut),
                ("_compute_field_value", _compute_shortcut),
            ):
                patched = model_class.__dict__.get(name)
                if getattr(patched, "origin", None) and not getattr(
                    patched, "sms_retention_shortcut", False
                ):
                    setattr(model_class, name, wrap(patched))
        return res

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _sms_retention_*rules
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()  # _sms_retention_*rules
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()  # _sms_retention_*rules
        return super().unlink()


def _write_shortcut(patched):
    """Odoo's patched ``write``, skipped when the written fields can fire no
    rule."""

    @functools.wraps(patched)
    def write(self, vals, **kw):
        if self and not self.env["base.automation"]._sms_retention_may_fire(self, vals):
            return patched.origin(self, vals, **kw)
        return patched(self, vals, **kw)

    write.sms_retention_shortcut = True
    return write


def _compute_shortcut(patched):
    """Odoo's patched ``_compute_field_value``, skipped when the recomputed
    stored fields can fire no rule."""

    @functools.wraps(patched)
    def _compute_field_value(self, field):
        changed = {f.name for f in self.pool.field_computed[field] if f.store}
        if changed and not self.env["base.automation"]._sms_retention_may_fire(
            self, changed
        ):
            return patched.origin(self, field)
        return patched(self, field)

    _compute_field_value.sms_retention_shortcut = True
    return _compute_field_value
