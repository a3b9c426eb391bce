# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A campaign from its form: text, placeholders, preview, trigger, states,
test SMS, audience and the feedback of every action."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import SmsRetentionCommon

FIRST_NAME = "{{ object.partner_id.sms_retention_first_name }}"


@tagged("post_install", "-at_install")
class TestCampaignForm(SmsRetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_model = cls.env["ir.model"]._get("sale.order")

    def _new_review(self, **values):
        return self.env["sms.retention.campaign"].create(
            {
                "name": "Thank-you note",
                "kind": "post_purchase",
                "message_class": "transactional",
                "company_id": self.company.id,
                "body": f"Hi {FIRST_NAME}, thanks for {{{{ object.name }}}}!",
                **values,
            }
        )

    # ------------------------------------------------------------
    # TEXT
    # ------------------------------------------------------------

    def test_text_written_on_the_campaign_gets_its_own_template(self):
        campaign = self._new_review()
        template = campaign.sms_template_id
        self.assertEqual(template.model_id, self.order_model)
        self.assertEqual(template.lang, "{{ object.partner_id.lang }}")
        self.assertEqual(template.body, campaign.body)
        self.assertEqual(campaign.state, "draft")
        self.assertFalse(campaign.template_shared_warning)
        # Translated per language, through the template.
        self._lang("zh_CN")
        campaign.with_context(lang="zh_CN").body = f"{FIRST_NAME}您好"
        self.assertEqual(template.with_context(lang="zh_CN").body, f"{FIRST_NAME}您好")
        self.assertIn("thanks", template.with_context(lang="en_US").body)

    def test_bad_texts_are_refused_with_a_clear_message(self):
        with self.assertRaisesRegex(UserError, "Write the SMS text"):
            self._new_review(body="  ")
        with self.assertRaisesRegex(ValidationError, "has no field firstname"):
            self._new_review(body="Hi {{ object.partner_id.firstname }}")
        with self.assertRaisesRegex(ValidationError, "not closed"):
            self._new_review(body="Hi {{ object.name")
        with self.assertRaisesRegex(ValidationError, "is not valid"):
            self._new_review(body="Hi {{ object.name + }}")
        campaign = self._new_review()
        with self.assertRaisesRegex(UserError, "cannot be empty"):
            campaign.body = ""

    def test_preview_without_access_to_orders_shows_no_error(self):
        """Regression: an SMS Retention administrator without Sales rights
        got an access error opening a post-purchase campaign, whose preview
        counted and rendered orders."""
        campaign = self._new_review()
        admin = new_test_user(
            self.env,
            login="sms.admin.nosales",
            groups="base.group_user,sms_retention.group_sms_retention_manager",
        )
        campaign_as_admin = campaign.with_user(admin)
        self.assertIn("Thank-you note", campaign_as_admin.display_name)
        preview = campaign_as_admin.preview_html
        self.assertIn("No record to render on yet", preview)
        self.assertEqual(campaign_as_admin.audience_count, 0)

    def test_placeholder_helper_inserts_the_expression(self):
        with Form(self.env["sms.retention.campaign"]) as form:
            form.name = "Helper"
            form.kind = "post_purchase"
            form.body = "Hi"
            form.placeholder = "first_name"
            self.assertEqual(form.body, f"Hi {FIRST_NAME}")
            self.assertFalse(form.placeholder)
            form.placeholder = "reference"
            form.placeholder = "review_link"
            form.placeholder = "company"
        campaign = form.save()
        self.assertEqual(
            campaign.body,
            f"Hi {FIRST_NAME} {{{{ object.name }}}} "
            "{{ short_url(object.company_id.sms_retention_review_url) }} "
            "{{ object.company_id.name }}",
        )
        with Form(
            self.env.ref("sms_retention.sms_retention_campaign_birthday")
        ) as form:
            form.placeholder = "first_name"
            self.assertTrue(form.body.endswith("{{ object.sms_retention_first_name }}"))

    def test_shared_template_warns_and_a_copy_is_independent(self):
        campaign = self._new_review()
        variant = self.env["sms.retention.variant"].create(
            {
                "name": "A",
                "campaign_id": campaign.id,
                "sms_template_id": campaign.sms_template_id.id,
            }
        )
        self.env["sms.retention.variant"].create(
            {"name": "B", "campaign_id": campaign.id, "body": "B {{ object.name }}"}
        )
        self.assertIn("A", campaign.template_shared_warning)
        copy = campaign.copy()
        self.assertEqual(copy.name, "Thank-you note (copy)")
        self.assertEqual(copy.state, "draft")
        self.assertEqual(copy.variant_ids.mapped("name"), ["A", "B"])
        self.assertNotEqual(copy.sms_template_id, campaign.sms_template_id)
        self.assertFalse(
            copy.variant_ids.sms_template_id & campaign.variant_ids.sms_template_id
        )
        copy.body = "Changed {{ object.name }}"
        copy.variant_ids[1].body = "Changed B"
        self.assertIn("thanks", campaign.body)
        self.assertEqual(campaign.variant_ids[1].body, "B {{ object.name }}")
        self.assertEqual(variant.body, campaign.body)

    def test_variants_are_added_from_the_form(self):
        """A new line has no template yet: the form computes without crashing."""
        campaign = self._new_review()
        with Form(campaign) as form:
            with form.variant_ids.new() as line:
                line.name = "A"
                line.body = "Short {{ object.name }}"
            with form.variant_ids.new() as line:
                line.name = "B"
                line.body = "Long {{ object.name }}"
        self.assertEqual(campaign.variant_ids.mapped("name"), ["A", "B"])
        self.assertIn("Variant B", campaign.preview_html)

    # ------------------------------------------------------------
    # PREVIEW
    # ------------------------------------------------------------

    def test_preview_renders_the_final_sms_per_language(self):
        self._lang("zh_CN")
        campaign = self._new_review(message_class="marketing")
        campaign.with_context(
            lang="zh_CN"
        ).body = f"{FIRST_NAME}您好，订单 {{{{ object.name }}}}"
        self.customer_cn.sms_retention_consent = "opted_in"
        self.customer_us.sms_retention_consent = "opted_in"
        us_order = self._create_order(self.customer_us)
        self._create_order(self.customer_cn)
        preview = campaign.preview_html
        self.assertIn(
            f"Hi Alice, thanks for {us_order.name}!\nReply STOP to opt out", preview
        )
        self.assertIn("王芳您好", preview)
        self.assertIn("拒收请回复R", preview)
        self.assertIn("GSM-7", preview)
        self.assertIn("UCS-2", preview)
        self.assertIn("Sample: Alice Walker", preview)

    def test_preview_warns_of_missing_translations_and_long_texts(self):
        self._lang("th_TH")
        thai = self._create_customer(
            "สมชาย ใจดี",
            "+66 81 234 5678",
            "th",
            lang="th_TH",
            sms_retention_consent="opted_in",
        )
        campaign = self._new_review(body="x" * 400)
        self._create_order(thai)
        self._create_order(self.customer_us)
        preview = campaign.preview_html
        self.assertIn("No translation in Thai / ภาษาไทย (customers: 1)", preview)
        self.assertIn("more than 2 segments", preview)

    def test_preview_warns_of_an_empty_review_link(self):
        campaign = self._new_review(
            body="Review: {{ short_url(object.company_id.sms_retention_review_url) }}"
        )
        self._create_order(self.customer_us)
        self.assertIn("The review link is empty", campaign.preview_html)
        self.company.sms_retention_review_url = "https://example.com/review"
        campaign.invalidate_recordset(["preview_html"])
        self.assertNotIn("The review link is empty", campaign.preview_html)
        self.assertIn("/r/", campaign.preview_html, "a tracked short link")

    def test_preview_says_what_a_placeholder_cannot_render(self):
        campaign = self._new_review(body="Hi {{ object.partner_id.name.nope }}")
        self._create_order(self.customer_us)
        self.assertIn("cannot be rendered", campaign.preview_html)

    def test_preview_cost_in_the_price_currency_converted(self):
        cny = self.env.ref("base.CNY")
        self._set_rate(cny, 7.0)
        self.company.currency_id = self.env.ref("base.USD")
        self.env["sms.retention.price"].create(
            {
                "company_id": self.company.id,
                "country_id": self.env.ref("base.cn").id,
                "price_per_segment": 0.07,
                "currency_id": cny.id,
            }
        )
        self.customer_cn.sms_retention_consent = "opted_in"
        campaign = self._new_review(body="Hello {{ object.name }}")
        self._create_order(self.customer_cn)
        preview = campaign.preview_html
        self.assertIn("0.0700 CNY", preview)
        self.assertIn("≈ 0.0100 USD", preview)

    # ------------------------------------------------------------
    # AUDIENCE
    # ------------------------------------------------------------

    def test_audience_of_an_event_campaign_over_30_days(self):
        campaign = self._new_review(message_class="marketing")
        opted_out = self._create_customer("Out", "+1 212 555 0111", "us")
        opted_out.sms_retention_consent = "opted_out"
        no_mobile = self.env["res.partner"].create({"name": "No Phone"})
        unknown = self._create_customer("Unknown", "+1 212 555 0112", "us")
        self.customer_us.sms_retention_consent = "opted_in"
        for partner in (self.customer_us, opted_out, no_mobile, unknown):
            self._create_order(partner)
        with freeze_time(fields.Datetime.now() - timedelta(days=40)):
            self._create_order(self._create_customer("Old", "+1 212 555 0113", "us"))
        self.assertEqual(campaign.audience_period, "Last 30 days")
        self.assertEqual(campaign.audience_count, 4)
        self.assertEqual(campaign.audience_send_count, 1)
        self.assertEqual(campaign.audience_opted_out_count, 1)
        self.assertEqual(campaign.audience_no_mobile_count, 1)
        self.assertEqual(campaign.audience_no_consent_count, 1)
        self.company.sms_retention_allow_unknown_consent = True
        campaign.invalidate_recordset(["audience_send_count"])
        self.assertEqual(campaign.audience_send_count, 2)

    def test_audience_of_a_daily_campaign_is_its_next_run(self):
        birthday = self.env.ref("sms_retention.sms_retention_campaign_birthday")
        birthday.write({"segment_ids": [(5, 0, 0)], "company_id": self.company.id})
        customers = self._create_us_customers("Bday ", range(700, 703))
        zone = customers[0].sms_retention_tz
        next_run = fields.Datetime.context_timestamp(
            birthday.with_context(tz=zone), fields.Datetime.now() + timedelta(days=1)
        ).date()
        day = next_run + timedelta(days=birthday.birthday_days_before)
        customers.write(
            {
                "sms_retention_birthday_month": day.month,
                "sms_retention_birthday_day": day.day,
                "sms_retention_consent": "opted_in",
            }
        )
        self.assertEqual(birthday.audience_period, "Next daily run")
        self.assertGreaterEqual(birthday.audience_send_count, 3)

    # ------------------------------------------------------------
    # TRIGGER AND STATES
    # ------------------------------------------------------------

    def test_trigger_created_from_the_form_fires_while_running(self):
        campaign = self._new_review(delay=0)
        self.assertEqual(campaign.trigger, "order_confirmed")
        self.assertEqual(campaign.trigger_summary, "Order confirmed, at once.")
        with self.assertRaisesRegex(UserError, "has no trigger"):
            campaign.action_start()
        action = campaign.action_create_trigger()
        self.assertEqual(action["params"]["type"], "success")
        rule = campaign.automation_id
        self.assertEqual(rule.trigger, "on_state_set")
        self.assertFalse(rule.active, "a draft campaign fires nothing")
        self.assertEqual(
            rule.action_server_ids.name, "Send retention campaign: Thank-you note"
        )
        campaign.name = "Merci"
        self.assertEqual(rule.action_server_ids.name, "Send retention campaign: Merci")
        # The shipped review campaign runs on the same event: warned.
        self.assertIn("Review request", campaign.trigger_warning)
        action = campaign.action_start()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("also runs on this event", action["params"]["message"])
        self.assertTrue(rule.active)
        order = self._create_order(self.customer_us)
        self.assertEqual(
            sorted(self._messages_of(order).campaign_id.mapped("name")),
            sorted(["Merci", self.campaign.name]),
        )

    def test_only_running_campaigns_plan_and_pause_holds_the_planned(self):
        self.campaign.state = "draft"
        self.assertFalse(self.campaign.automation_id.active)
        self.assertFalse(self._messages_of(self._create_order(self.customer_us)))
        self.campaign.action_start()
        message = self._messages_of(self._create_order(self.customer_us))
        self.assertEqual(message.state, "scheduled")
        action = self.campaign.action_pause()
        self.assertIn("scheduled SMS wait", action["params"]["message"])
        self.assertEqual(message.state, "paused")
        self.assertFalse(self.campaign.automation_id.active)
        with freeze_time(fields.Datetime.now() + timedelta(days=3)):
            with self.mock_sms_providers():
                self._run_sending_job()
        self.assertEqual(message.state, "paused")
        self.assertFalse(self._messages_of(self._create_order(self.customer_us)))
        self.campaign.action_resume()
        self.assertEqual(message.state, "scheduled")
        self.assertTrue(self.campaign.automation_id.active)

    def test_daily_job_plans_running_campaigns_only(self):
        birthday = self.env.ref("sms_retention.sms_retention_campaign_birthday")
        birthday.write(
            {
                "segment_ids": [(5, 0, 0)],
                "company_id": self.company.id,
                "state": "paused",
            }
        )
        self.customer_us.write(
            {"sms_retention_birthday_month": 3, "sms_retention_birthday_day": 5}
        )
        planned = [
            ("campaign_id", "=", birthday.id),
            ("partner_id", "=", self.customer_us.id),
        ]
        with freeze_time("2026-03-02 15:00:00"):
            self.env["sms.retention.campaign"]._cron_daily_campaigns()
            self.assertFalse(self.env["sms.retention.message"].search(planned))
            birthday.action_resume()
            self.env["sms.retention.campaign"]._cron_daily_campaigns()
        self.assertTrue(self.env["sms.retention.message"].search(planned))

    def test_start_refuses_without_audience_or_occasion(self):
        seasonal = self.env.ref("sms_retention.sms_retention_campaign_lunar_new_year")
        seasonal.occasion_ids = False
        with self.assertRaisesRegex(UserError, "has no occasion"):
            seasonal.action_start()
        campaign = self._new_review(audience_domain="[('name', '=', 'Nobody at all')]")
        campaign.action_create_trigger()
        with self.assertRaisesRegex(UserError, "No customer matches the audience"):
            campaign.action_start()

    def test_trigger_of_an_exit_campaign_and_custom_rule(self):
        exit_campaign = self.env["sms.retention.campaign"].create(
            {"name": "Bye", "kind": "exit", "body": "Bye {{ object.name }}"}
        )
        self.assertEqual(exit_campaign.trigger, "customer_lost")
        exit_campaign.action_create_trigger()
        self.assertEqual(
            sorted(exit_campaign.automation_id.trigger_field_ids.mapped("name")),
            ["active", "sms_retention_lost_date"],
        )
        custom = self.env["sms.retention.campaign"].create(
            {"name": "Any", "kind": "custom", "body": "Hello {{ object.name }}"}
        )
        action = custom.action_create_trigger()
        self.assertEqual(action["res_model"], "base.automation")
        self.assertEqual(custom.automation_id.model_id.model, "res.partner")

    # ------------------------------------------------------------
    # TEST SMS AND SEND NOW
    # ------------------------------------------------------------

    def _test_wizard(self, campaign, number):
        return Form(
            self.env["sms.retention.campaign.test"].with_context(
                default_campaign_id=campaign.id
            )
        )

    def test_send_a_test_sms(self):
        campaign = self._new_review()
        self._create_order(self.customer_us)
        with self._test_wizard(campaign, "x") as form:
            form.number = "not a number"
            wizard = form.save()
        with self.assertRaisesRegex(UserError, "not a valid phone number"):
            wizard.action_send()
        wizard.number = "+1 212 555 0199"
        self.assertIn("Hi Alice", wizard.body)
        with self.mock_sms_providers():
            action = wizard.action_send()
        self.assertEqual(action["params"]["type"], "success")
        outbox = self.assertSandboxOutbox("+12125550199")
        self.assertIn("Hi Alice", outbox.body)
        self.assertFalse(
            self.env["sms.retention.message"].search([("number", "=", "+12125550199")]),
            "a test is no retention message",
        )
        self.assertIn("Test SMS", campaign.message_ids[0].body)

    def test_a_user_without_email_sends_a_test_sms(self):
        """Regression: the test SMS was posted on the campaign's chatter,
        which Odoo refuses from a user without an e-mail address ("configure
        the sender's email address"); it is logged now."""
        campaign = self._new_review()
        self._create_order(self.customer_us)
        user = new_test_user(
            self.env,
            login="no-email-tester",
            groups="sales_team.group_sale_salesman_all_leads,"
            "sms_retention.group_sms_retention_manager",
        )
        user.partner_id.email = False
        with Form(
            self.env["sms.retention.campaign.test"]
            .with_user(user)
            .with_context(default_campaign_id=campaign.id)
        ) as form:
            form.number = "+1 212 555 0198"
            wizard = form.save()
        with self.mock_sms_providers():
            action = wizard.action_send()
        self.assertEqual(action["params"]["type"], "success")
        self.assertSandboxOutbox("+12125550198")
        log = campaign.message_ids[0]
        self.assertIn("Test SMS", log.body)
        self.assertEqual(log.author_id, user.partner_id)

    def test_send_now_says_sent_deferred_or_opted_out(self):
        order = self._create_order(self.customer_us)
        message = self._messages_of(order)
        with self.mock_sms_providers():
            action = message.action_send_now()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("Sent to Alice Walker", action["params"]["message"])
        # Outside the customer's hours: deferred, and said so.
        self.company.write(
            {"sms_retention_quiet_start": 8.0, "sms_retention_quiet_end": 21.0}
        )
        shanghai = self._create_customer(
            "Li Lei", "138 0013 8002", "cn", tz="Asia/Shanghai"
        )
        with freeze_time("2026-03-02 16:00:00"):  # 00:00 in Shanghai
            message = self._messages_of(self._create_order(shanghai))
            with self.mock_sms_providers():
                action = message.action_send_now()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("Asia/Shanghai", action["params"]["message"])
        self.assertIn("03/03/2026 08:", action["params"]["message"])
        self.assertIn("sending hours", action["params"]["message"])
        opted_out = self._create_customer("Nope", "+1 212 555 0177", "us")
        message = self._messages_of(self._create_order(opted_out))
        opted_out.sms_retention_consent = "opted_out"
        with self.mock_sms_providers():
            action = message.action_send_now()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("opted out", action["params"]["message"])

    def test_smart_buttons_open_what_they_say(self):
        action = self.campaign.with_context(
            sms_retention_state="sent"
        ).action_view_messages()
        self.assertEqual(action["context"]["search_default_sent"], 1)
        action = self.campaign.with_context(
            sms_retention_state="scheduled"
        ).action_view_messages()
        self.assertEqual(action["context"]["search_default_scheduled"], 1)

    def test_order_chatter_says_when_the_review_is_planned(self):
        order = self._create_order(self.customer_us)
        note = order.message_ids.filtered(lambda m: "planned for" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn(self.campaign.name, note.body)
        self.assertIn("America/New_York", note.body)
