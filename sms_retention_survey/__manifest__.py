# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SMS Retention Surveys",
    "summary": "Surveys answered by SMS reply, stored as Odoo survey responses",
    "version": "17.0.1.0.0",
    "category": "Marketing/Surveys",
    "website": "https://github.com/sms-retention/sms-retention",
    "author": "SMS Retention developers",
    "maintainers": ["sms-retention"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["sms_retention", "survey"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "data/survey_survey_data.xml",
    ],
    "installable": True,
}
