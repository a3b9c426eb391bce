# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Companies in a real browser: a user of company A sees nothing of company B."""

from odoo.tests import new_test_user, tagged

from .common import SmsRetentionTourCase


@tagged("post_install", "-at_install")
class TestUiTourCompany(SmsRetentionTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        companies = cls.env["res.company"].create(
            [{"name": "Company A"}, {"name": "Company B"}]
        )
        cls.user = new_test_user(
            cls.env,
            login="tour.company.a",
            name="Tour Manager of A",
            groups="sms_retention.group_sms_retention_manager",
            company_id=companies[0].id,
            company_ids=[(6, 0, companies[0].ids)],
        )
        template = cls.env.ref("sms_retention.sms_template_winback")
        germany = cls.env.ref("base.de")
        for company, letter, price in zip(
            companies, "AB", (0.0111, 0.0222), strict=True
        ):
            name = f"Company {letter}"
            cls.env["sms.retention.campaign"].create(
                {
                    "name": f"Campaign of {name}",
                    "kind": "custom",
                    "sms_template_id": template.id,
                    "message_class": "transactional",
                    "company_id": company.id,
                }
            )
            cls.env["sms.retention.inbound"]._receive(
                "sandbox", "+12125550160", f"Reply to {name}", company=company
            )
            cls.env["sms.retention.blackout"].create(
                {
                    "name": f"Siesta of {name}",
                    "company_id": company.id,
                    "start_hour": 14.0,
                    "end_hour": 15.0,
                }
            )
            cls.env["sms.retention.price"].create(
                {
                    "company_id": company.id,
                    "country_id": germany.id,
                    "price_per_segment": price,
                }
            )
            cls.env["sms.retention.keyword"].create(
                {
                    "name": f"KEYWORD{letter}",
                    "classification": "complaint",
                    "company_id": company.id,
                }
            )

    def test_company_tour(self):
        self.start_tour("/web", "sms_retention_company_tour", login="tour.company.a")
