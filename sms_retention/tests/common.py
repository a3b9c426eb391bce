# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Test layers: mock (providers), asserts, fixtures (companies, customers)."""

import ast
import os
import re
from contextlib import contextmanager
from unittest.mock import patch

import polib

from odoo import fields, http
from odoo.modules.module import get_module_path
from odoo.tests import common

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT
from odoo.addons.sms.tools.sms_api import SmsApi

from ..sending import SendingRun
from ..tools.sms_api_sandbox import SmsApiSandbox


def shipped_review_campaign(env):
    """The shipped review campaign as shipped, running: without the demo's
    A/B variants, nor the survey the survey addon's demo asks with it."""
    campaign = env.ref("sms_retention.sms_retention_campaign_review")
    campaign.variant_ids.unlink()
    campaign.state = "running"
    if "survey_id" in campaign._fields:
        campaign.survey_id = False
    return campaign


def no_holdout(env):
    """Every customer of the tests gets the SMS, whichever campaign plans it
    (the holdout tests draw a holdout group themselves): no holdout on the
    campaigns, nor by default on new ones, as an administrator can set."""
    env["sms.retention.campaign"].with_context(active_test=False).search(
        []
    ).holdout_percent = 0
    env["ir.default"].set("sms.retention.campaign", "holdout_percent", 0)


def any_hour(env):
    """No sending hours of the countries' own (their rules): the tests run
    at any time of day; the country rule tests set them."""
    env["sms.retention.country.rule"].search([]).write(
        {"quiet_start": 0.0, "quiet_end": 0.0}
    )


class MockSmsRetention(common.BaseCase):
    """Record what reaches each provider; IAP never leaves the process."""

    @contextmanager
    def mock_sms_providers(self, iap_state="success", sandbox_state=None):
        """IAP answers ``iap_state``; the sandbox records every SMS and
        answers ``sandbox_state`` instead of "delivered" when given (e.g.
        "success": accepted, not yet delivered)."""
        self.iap_calls = []
        self.sandbox_batches = []
        sandbox_send = SmsApiSandbox._send_sms_batch

        def _contact_iap(api, local_endpoint, params, timeout=15):
            self.iap_calls.append(params)
            return [
                {"uuid": number["uuid"], "state": iap_state}
                for message in params["messages"]
                for number in message["numbers"]
            ]

        def _sandbox_send(api, messages, delivery_reports_url=False):
            self.sandbox_batches.append((api.company, messages))
            results = sandbox_send(api, messages, delivery_reports_url)
            if sandbox_state:
                results = [
                    dict(result, state=sandbox_state)
                    if result["state"] == "delivered"
                    else result
                    for result in results
                ]
            return results

        with (
            patch.object(
                SmsApi, "_contact_iap", autospec=True, side_effect=_contact_iap
            ),
            patch.object(
                SmsApiSandbox,
                "_send_sms_batch",
                autospec=True,
                side_effect=_sandbox_send,
            ),
        ):
            yield


class SmsRetentionCase(MockSmsRetention):
    """Asserts on what was sent and received."""

    def _iap_numbers(self):
        return [
            number["number"]
            for params in self.iap_calls
            for message in params["messages"]
            for number in message["numbers"]
        ]

    def _sandbox_numbers(self):
        return [
            number["number"]
            for _company, messages in self.sandbox_batches
            for message in messages
            for number in message["numbers"]
        ]

    def _materialise(self, messages, run=None):
        """Lock these scheduled messages and materialise them as the sending
        run does (policy, compose, queue); return the queued messages."""
        run = run or SendingRun(self.env)
        return run.materialise(run.lock(ids=messages.ids))

    def _send_queued(self, messages):
        """Send the queued SMS of these messages, as the sending run does."""
        SendingRun(self.env).send_messages(messages)

    def _send_counting_queries(self, messages):
        """Send these planned messages as the sending job does (lock,
        materialise, send); return how many SQL queries it took."""
        self.env.flush_all()
        self.env.invalidate_all()
        with self.mock_sms_providers():
            before = self.env.cr.sql_log_count
            self._materialise(messages)
            self._send_queued(messages)
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

    def assertSandboxOutbox(self, number, content=None, company=None):
        """One outbox entry for ``number`` (E.164), with ``content`` if given."""
        domain = [("number", "=", number)]
        if company:
            domain.append(("company_id", "=", company.id))
        if content is not None:
            domain.append(("body", "=", content))
        outbox = self.env["sms.retention.sandbox.message"].search(domain)
        self.assertEqual(
            len(outbox), 1, f"expected one sandbox SMS to {number}: {content!r}"
        )
        return outbox

    def assertNoOutbox(self, number):
        self.assertFalse(
            self.env["sms.retention.sandbox.message"].search([("number", "=", number)])
        )


# Placeholders a translation keeps as they are: %(name)s, %s, {{ code }},
# {company}.
PLACEHOLDER_RE = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{\{.*?\}\}|\{[a-z_]+\}")


class TranslationCase(common.BaseCase):
    """Asserts on an addon's translations: every term of its ``.pot`` is
    translated in each language, with the same placeholders."""

    LANGS = ("zh_CN", "zh_TW", "th")

    def assertTranslated(self, addon):
        self.assertExtractable(addon)
        i18n = os.path.join(get_module_path(addon), "i18n")
        template = polib.pofile(os.path.join(i18n, f"{addon}.pot"))
        terms = {entry.msgid for entry in template if entry.msgid}
        self.assertTrue(terms, f"{addon}.pot has no term")
        for lang in self.LANGS:
            catalog = polib.pofile(os.path.join(i18n, f"{lang}.po"))
            translations = {
                entry.msgid: entry.msgstr
                for entry in catalog
                if entry.msgstr and "fuzzy" not in entry.flags
            }
            missing = sorted(terms - set(translations))
            self.assertFalse(
                missing, f"{addon}/{lang}.po lacks {len(missing)} terms: {missing[:5]}"
            )
            for msgid in terms:
                self.assertEqual(
                    sorted(PLACEHOLDER_RE.findall(translations[msgid])),
                    sorted(PLACEHOLDER_RE.findall(msgid)),
                    f"{addon}/{lang}.po: placeholders differ for {msgid!r}",
                )

    def assertExtractable(self, addon):
        """No ``_()`` call of the addon has an f-string among its arguments:
        the term extractor skips such calls, and their terms silently leave
        the ``.pot`` (and the translations with them)."""
        root = get_module_path(addon)
        for folder, _dirs, files in os.walk(root):
            for name in files:
                if not name.endswith(".py"):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as source:
                    tree = ast.parse(source.read(), path)
                for node in ast.walk(tree):
                    if (
                        isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Name)
                        and node.func.id in ("_", "_lt")
                    ):
                        values = [*node.args, *(k.value for k in node.keywords)]
                        self.assertFalse(
                            any(isinstance(v, ast.JoinedStr) for v in values),
                            f"{os.path.relpath(path, root)}:{node.lineno}: an "
                            "f-string in _() hides the call from the extractor",
                        )


class SmsRetentionTourCase(common.HttpCase):
    """Chromium tours on the main company, on the sandbox, at any hour."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Read every manifest now, in one thread. The browser's first parallel
        # requests would parse them in several threads at once, which trips
        # a race in CPython 3.11.7's AST constructor ("recursion depth
        # mismatch") and fails the tour on a busy machine.
        cls.module_statics = http.root.statics  # a lazy property, computed once
        cls.company = cls.env.ref("base.main_company")
        cls.company.write(
            {
                "sms_retention_provider": "sandbox",
                "sms_retention_quiet_start": 0.0,
                "sms_retention_quiet_end": 24.0,
            }
        )
        cls.company.sms_retention_blackout_ids.unlink()
        no_holdout(cls.env)
        any_hour(cls.env)
        # "Send now" must not depend on today being a public holiday.
        cls.env["sms.retention.holiday"].search([]).active = False


class SmsRetentionCommon(common.TransactionCase, SmsRetentionCase):
    """A US company on the sandbox, a salesperson, and customers with mobiles."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company = cls.env["res.company"].create(
            {
                "name": "Retention Test Co",
                "country_id": cls.env.ref("base.us").id,
                "sms_retention_provider": "sandbox",
            }
        )
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                allowed_company_ids=[cls.company.id],
            )
        )
        # Policy off by default so that tests do not depend on the time of day;
        # the policy tests switch it on.
        cls.company.write(
            {"sms_retention_quiet_start": 0.0, "sms_retention_quiet_end": 24.0}
        )
        any_hour(cls.env)
        cls.company.sms_retention_blackout_ids.unlink()
        # The shipped public holidays make "now + 2 days" a holiday on some
        # dates (Thanksgiving): tests that need one create or reactivate it.
        cls.env["sms.retention.holiday"].search([]).active = False
        cls.env.user.company_ids |= cls.company
        cls.env.user.company_id = cls.company
        cls.salesperson = cls.env["res.users"].create(
            {
                "name": "Sally Seller",
                "login": "sally.seller",
                "email": "sally@example.com",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
                "groups_id": [
                    (6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])
                ],
                "notification_type": "inbox",
            }
        )
        cls.customer_us = cls._create_customer("Alice Walker", "+1 212 555 0101", "us")
        cls.customer_cn = cls._create_customer(
            "王芳", "138 0013 8001", "cn", lang=cls._lang("zh_CN")
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Retention Widget", "list_price": 20.0}
        )
        cls.campaign = shipped_review_campaign(cls.env)
        no_holdout(cls.env)

    @classmethod
    def _lang(cls, code):
        cls.env["res.lang"]._activate_lang(code)
        return code

    @classmethod
    def _create_customer(cls, name, mobile, country_code, **values):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "mobile": mobile,
                "country_id": cls.env.ref(f"base.{country_code}").id,
                "company_id": False,
                # Odoo defaults a partner's tz to its creator's: unset it, so the
                # time zone comes from the number, as for imported customers.
                "tz": False,
                **values,
            }
        )

    @classmethod
    def _create_custom_campaign(cls, name, template, **values):
        """A custom (automation-fired) transactional campaign, due at once."""
        return cls.env["sms.retention.campaign"].create(
            {
                "name": name,
                "kind": "custom",
                "sms_template_id": template.id,
                "message_class": "transactional",
                "delay": 0,
                "state": "running",
                "holdout_percent": 0,
                **values,
            }
        )

    @classmethod
    def _create_partner_campaign(cls, name, body, **values):
        """A custom campaign on customers, with a text of its own."""
        template = cls.env["sms.template"].create(
            {
                "name": name,
                "model_id": cls.env.ref("base.model_res_partner").id,
                "body": body,
            }
        )
        return cls._create_custom_campaign(name, template, **values)

    def _create_message(self, campaign, partner, **values):
        """A message of ``campaign`` about ``partner`` (its source record),
        in the test company, planned now unless ``values`` say otherwise."""
        return self.env["sms.retention.message"].create(
            {
                "campaign_id": campaign.id,
                "partner_id": partner.id,
                "company_id": self.company.id,
                "res_model": "res.partner",
                "res_id": partner.id,
                "planned_at": fields.Datetime.now(),
                **values,
            }
        )

    def _set_rate(self, currency, rate):
        """``currency`` active, at ``rate`` per unit of the company's
        currency since 2020."""
        currency.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": currency.id,
                "company_id": self.company.id,
                "name": "2020-01-01",
                "rate": rate,
            }
        )

    @classmethod
    def _create_us_customers(cls, name, numbers):
        """US customers ``{name}{n}``, mobile +1 212 555 nnnn, for each n of
        ``numbers``; shared contacts, time zone from their number."""
        return cls.env["res.partner"].create(
            [
                {
                    "name": f"{name}{index}",
                    "mobile": f"+1212555{index:04d}",
                    "country_id": cls.env.ref("base.us").id,
                    "tz": False,
                    "company_id": False,
                }
                for index in numbers
            ]
        )

    def _create_order(self, partner, user=None, confirm=True):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "user_id": (user or self.salesperson).id,
                "order_line": [(0, 0, {"product_id": self.product.id})],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _messages_of(self, records):
        return self.env["sms.retention.message"].search(
            [("res_model", "=", records._name), ("res_id", "in", records.ids)]
        )

    @classmethod
    def _running_birthday_campaign(cls):
        """The shipped birthday campaign, running for the test company's
        customers whatever their segment."""
        birthday = cls.env.ref("sms_retention.sms_retention_campaign_birthday")
        birthday.write(
            {
                "active": True,
                "state": "running",
                "segment_ids": [(5, 0, 0)],
                "company_id": cls.company.id,
            }
        )
        return birthday

    def _run_sending_job(self):
        self.env["sms.retention.message"]._cron_send_due()


class PolicyForAllSmsCommon(SmsRetentionCommon):
    """A company that applies its sending hours (8:00 to 21:00) to every SMS,
    and a customer in New York: ``NIGHT_IN_NEW_YORK`` is outside them."""

    NIGHT_IN_NEW_YORK = "2026-03-02 03:00:00"  # 22:00 on Mar 1 (EST)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "sms_retention_quiet_start": 8.0,
                "sms_retention_quiet_end": 21.0,
                "sms_retention_policy_all_sms": True,
            }
        )
        cls.partner = cls.customer_us.with_company(cls.company)
