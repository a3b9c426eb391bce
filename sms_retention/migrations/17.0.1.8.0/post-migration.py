# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Campaigns get a state and their own trigger.

Campaigns that planned SMS before (active ones) keep doing so: they are
Running; each campaign is linked to the automation rule that fires it. The
templates of campaigns and variants become retention templates, which SMS
Retention users may edit.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "UPDATE sms_retention_campaign SET state = 'running' WHERE active IS TRUE"
    )
    cr.execute(
        """UPDATE sms_retention_campaign c
              SET automation_id = rule.id
             FROM (SELECT DISTINCT ON (a.sms_retention_campaign_id)
                          a.sms_retention_campaign_id AS campaign_id,
                          a.base_automation_id AS id
                     FROM ir_act_server a
                    WHERE a.state = 'sms_retention'
                      AND a.base_automation_id IS NOT NULL
                 ORDER BY a.sms_retention_campaign_id, a.id) rule
            WHERE c.id = rule.campaign_id AND c.automation_id IS NULL"""
    )
    cr.execute(
        """UPDATE sms_template t SET sms_retention_owned = TRUE
            WHERE t.id IN (SELECT sms_template_id FROM sms_retention_campaign
                           UNION SELECT sms_template_id FROM sms_retention_variant)"""
    )
