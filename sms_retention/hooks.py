# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """Pick each existing company's SMS provider at install time.

    A company that already sends through an Odoo IAP SMS account, or through
    Odoo's own Twilio (``sms_twilio``, newer 17.0 builds), keeps it; every
    other company starts on the sandbox, which needs no network and no
    credentials. New companies default to the sandbox too.

    Then the customers' order statistics and segments are computed from
    their confirmed orders, and the history of their segments replayed from
    them, so that churn is measured over the years before the install too.
    """
    companies = env["res.company"].sudo().search([])
    odoo_providers = companies.filtered(
        lambda company: company._sms_retention_uses_odoo_provider()
    )
    accounts = (
        env["iap.account"]
        .sudo()
        .search([("service_name", "=", "sms"), ("account_token", "!=", False)])
    )
    # An IAP account without companies serves all of them.
    iap_companies = (
        companies
        if any(not account.company_ids for account in accounts)
        else accounts.company_ids
    ) | odoo_providers
    if iap_companies:
        (companies & iap_companies).write({"sms_retention_provider": "iap"})
    (companies - iap_companies).write({"sms_retention_provider": "sandbox"})
    companies._sms_retention_create_default_blackouts()
    env["res.partner"]._sms_retention_rebuild_order_stats()
    env["sms.retention.segment.history"]._replay_from_orders()
