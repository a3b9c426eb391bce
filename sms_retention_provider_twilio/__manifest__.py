# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SMS Retention: Twilio Provider",
    "summary": "Send SMS through Twilio and receive replies by signed webhooks",
    "version": "17.0.1.0.0",
    "category": "Marketing/SMS Marketing",
    "website": "https://github.com/sms-retention/sms-retention",
    "author": "SMS Retention for Odoo",
    "maintainers": ["sms-retention"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["sms_retention"],
    "external_dependencies": {"python": ["requests"]},
    "assets": {
        "web.assets_tests": [
            "sms_retention_provider_twilio/static/tests/tours/*.esm.js",
        ],
    },
    "data": [
        "security/security.xml",
        "security/ir.model.access.csv",
        "views/sms_retention_twilio_attempt_views.xml",
        "views/sms_retention_twilio_wizard_views.xml",
        "views/res_config_settings_views.xml",
        "views/sms_retention_twilio_menus.xml",
        "views/sms_retention_country_rule_views.xml",
        "data/ir_cron_data.xml",
        "data/sms_retention_country_rule_data.xml",
    ],
    "installable": True,
}
