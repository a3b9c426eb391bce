# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models

from ..tools import links, send_window
from ..tools.sms_api_sandbox import SmsApiSandbox

# Usual opt-out wording per language, used until the company translates its own.
OPTOUT_TEXTS = {
    "zh_CN": "回复TD退订",
    "zh_TW": "回覆TD退訂",
    "zh_HK": "回覆TD退訂",
    "th": "ตอบ STOP เพื่อยกเลิกรับข้อความ",
    "fr": "STOP pour vous désabonner",
    "es": "Responde BAJA para darte de baja",
    "de": "Antworte STOPP zum Abmelden",
}


# Automatic answers per language; {company} and {contact} are filled in.
AUTO_REPLY_TEXTS = {
    "stop": {
        "en": "{company}: you are unsubscribed and will get no more messages. "
        "Reply START to subscribe again.",
        "zh_CN": "{company}：您已退订，将不再收到短信。回复START可重新订阅。",
        "zh_TW": "{company}：您已退訂，將不再收到簡訊。回覆START可重新訂閱。",
        "th": "{company}: คุณยกเลิกการรับข้อความแล้ว ตอบ START เพื่อสมัครใหม่",
        "fr": "{company} : vous êtes désabonné. Répondez START pour vous réabonner.",
        "es": "{company}: te has dado de baja. Responde START para volver.",
        "de": "{company}: Sie sind abgemeldet. Antworten Sie START zum Anmelden.",
    },
    "start": {
        "en": "{company}: you are subscribed again. Msg & data rates may apply. "
        "Reply STOP to opt out.",
        "zh_CN": "{company}：您已重新订阅。可能产生短信费用。回复TD退订。",
        "zh_TW": "{company}：您已重新訂閱。可能產生簡訊費用。回覆TD退訂。",
        "th": "{company}: คุณสมัครรับข้อความอีกครั้งแล้ว อาจมีค่าบริการ ตอบ STOP " "เพื่อยกเลิก",
    },
    "help": {
        "en": "{company}: customer messages. Help: {contact}. Msg & data rates "
        "may apply. Reply STOP to opt out.",
        "zh_CN": "{company}：客户短信。帮助：{contact}。可能产生短信费用。回复TD退订。",
        "zh_TW": "{company}：客戶簡訊。幫助：{contact}。可能產生簡訊費用。回覆TD退訂。",
        "th": "{company}: ข้อความถึงลูกค้า ติดต่อ {contact} อาจมีค่าบริการ ตอบ STOP " "เพื่อยกเลิก",
    },
}


class ResCompany(models.Model):
    """Which provider sends the company's SMS, and reply matching settings.

    No sudo here: the fields are read by the send path, which already runs
    as superuser on ``sms.sms``.
    """

    _inherit = "res.company"

    sms_retention_provider = fields.Selection(
        [("iap", "Odoo IAP"), ("sandbox", "Sandbox (no network)")],
        string="SMS Provider",
        default="sandbox",
        required=True,
        help="Sends every SMS of this company: chatter, mass mailing, automation "
        "rules and retention campaigns. The sandbox sends nothing: it stores "
        "each SMS in the Sandbox outbox, where replies can be simulated.",
    )
    sms_retention_odoo_provider = fields.Boolean(
        string="Sends through Odoo's Twilio",
        compute="_compute_sms_retention_odoo_provider",
        help="This company sends its SMS through Odoo's own Twilio "
        "(Settings > SMS): SMS Retention sends through it too.",
    )
    sms_retention_reply_window_days = fields.Integer(
        string="Reply Window (days)",
        default=7,
        help="A reply is attached to the latest SMS sent to its number within "
        "this many days.",
    )
    sms_retention_click_window_days = fields.Integer(
        string="Attribution Window after a Click (days)",
        default=5,
        help="An order confirmed within this many days after a click on a "
        "link of a retention SMS is credited to that SMS.",
    )
    sms_retention_delivery_window_days = fields.Integer(
        string="Attribution Window after Delivery (days)",
        default=1,
        help="An order confirmed within this many days after a retention SMS "
        "was delivered or answered is credited to that SMS, when no later "
        "SMS touched the customer.",
    )

    sms_retention_new_days = fields.Integer(
        string="New Customer Period (days)",
        default=30,
        help="A customer whose first order is this recent is New.",
    )
    sms_retention_active_days = fields.Integer(
        string="Active Customer Period (days)",
        default=180,
        help="A customer whose last order is older than this is Dormant.",
    )

    sms_retention_quiet_start = fields.Float(
        string="Send From",
        default=8.0,
        help="Earliest local time of the customer at which retention SMS go out "
        "(US TCPA: 08:00).",
    )
    sms_retention_quiet_end = fields.Float(
        string="Send Until",
        default=21.0,
        help="Latest local time of the customer (US TCPA: 21:00).",
    )
    sms_retention_cap_count = fields.Integer(
        string="Frequency Cap",
        default=2,
        help="At most this many retention SMS per customer in the cap period; "
        "0 disables the cap. Messages over the cap wait, they are not dropped.",
    )
    sms_retention_cap_days = fields.Integer(string="Cap Period (days)", default=7)
    sms_retention_allow_unknown_consent = fields.Boolean(
        string="Text Customers With Unknown Consent",
        help="Marketing SMS go to customers whose consent is unknown, not only "
        "to those who opted in. Opted-out customers are never texted.",
    )
    sms_retention_quiet_transactional = fields.Boolean(
        string="Quiet Hours for Transactional SMS",
        default=True,
        help="Hold transactional retention SMS (order follow-ups) during quiet "
        "hours too. Marketing SMS always wait.",
    )
    sms_retention_optout_text = fields.Char(
        string="Opt-out Text",
        translate=True,
        default="Reply STOP to opt out",
        help="Appended on a new line to every marketing retention SMS, in the "
        "customer's language (e.g. 回复TD退订). Counted in segment estimates.",
    )
    sms_retention_auto_reply = fields.Boolean(
        string="Automatic Answers",
        default=True,
        help="Answer STOP, START and HELP by SMS. Answers respect consent, "
        "except the opt-out confirmation.",
    )
    sms_retention_stop_text = fields.Char(
        string="Opt-out Confirmation",
        translate=True,
        help="Answer to STOP. Empty: the usual wording in the customer's "
        "language. {company} and {contact} are replaced.",
    )
    sms_retention_start_text = fields.Char(
        string="Opt-in Confirmation",
        translate=True,
        help="Answer to START. Empty: the usual wording in the customer's "
        "language. {company} and {contact} are replaced.",
    )
    sms_retention_help_text = fields.Char(
        string="Help Answer",
        translate=True,
        help="Answer to HELP: brand, contact, rates, how to stop. Empty: the "
        "usual wording in the customer's language. {company} and {contact} "
        "are replaced.",
    )
    sms_retention_review_url = fields.Char(
        string="Review Page",
        help="Where customers leave a review (e.g. your Google review link); "
        "the review link placeholder of SMS texts points there, shortened "
        "and tracked.",
    )
    sms_retention_complaint_user_id = fields.Many2one(
        "res.users",
        string="Complaints Go To",
        help="Who gets complaints when the order or customer has no salesperson.",
    )
    sms_retention_policy_all_sms = fields.Boolean(
        string="Sending Policy for All SMS",
        help="Apply the consent gate and sending hours to every SMS of Odoo "
        "(chatter, composer, mass mailing, automation rules), not only to "
        "retention campaigns. SMS outside sending hours wait in the queue; "
        "SMS to opted-out or blacklisted numbers are canceled.",
    )
    sms_retention_blackout_ids = fields.One2many(
        "sms.retention.blackout", "company_id", string="Blackout Windows"
    )

    _sql_constraints = [
        (
            "sms_retention_periods_positive",
            "CHECK(sms_retention_new_days > 0 AND sms_retention_active_days > 0)",
            "Lifecycle periods must be positive.",
        ),
        (
            "sms_retention_quiet_hours_valid",
            "CHECK(sms_retention_quiet_start >= 0 AND sms_retention_quiet_start < 24 "
            "AND sms_retention_quiet_end > 0 AND sms_retention_quiet_end <= 24)",
            "Sending hours must lie between 00:00 and 24:00.",
        ),
        (
            "sms_retention_cap_valid",
            "CHECK(sms_retention_cap_count >= 0 AND sms_retention_cap_days >= 0)",
            "The frequency cap cannot be negative.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._sms_retention_create_default_blackouts()
        return companies

    def _sms_retention_create_default_blackouts(self):
        """Meal times: 12:00-13:30 and 18:00-19:30, every day."""
        self.env["sms.retention.blackout"].sudo().create(
            [
                vals
                for company in self
                for vals in (
                    {
                        "name": _("Lunch"),
                        "company_id": company.id,
                        "start_hour": 12.0,
                        "end_hour": 13.5,
                    },
                    {
                        "name": _("Dinner"),
                        "company_id": company.id,
                        "start_hour": 18.0,
                        "end_hour": 19.5,
                    },
                )
            ]
        )

    def _sms_retention_tz(self):
        """The time zone of customers who have none: the company's, else UTC."""
        self.ensure_one()
        # Just this column: a lazy read would fetch every column of the contact.
        self.partner_id.fetch(["tz"])
        return send_window.resolve_tz([self.partner_id.tz])

    def _sms_retention_policy(self, country, start=None, end=None):
        """Sending hours, blackouts and holidays for customers of ``country``.

        ``start`` and ``end`` override the company's hours when set; the
        country's own hours (its rules) narrow them, as a blackout.
        """
        self.ensure_one()
        self.sudo().fetch(
            [
                "sms_retention_blackout_ids",
                "sms_retention_quiet_start",
                "sms_retention_quiet_end",
            ]
        )
        blackouts = tuple(
            (
                frozenset([int(b.weekday)]) if b.weekday else None,
                send_window.window_from_hours(b.start_hour, b.end_hour),
            )
            for b in self.sudo().sms_retention_blackout_ids
            if not b.country_ids or country in b.country_ids
        )
        rule = self.env["sms.retention.country.rule"]._of_country(country)
        hours = rule._hours() if rule else None
        outside = send_window.window_outside_hours(*hours) if hours else None
        if outside:
            blackouts += ((None, outside),)
        holidays = frozenset()
        if country:
            # The window below has a day of margin for any time zone; the
            # user's own zone would cost a read of the user per call.
            today = fields.Date.today()
            holidays = frozenset(
                self.env["sms.retention.holiday"]
                .sudo()
                .search_fetch(
                    [
                        ("country_id", "=", country.id),
                        ("date", ">=", today - timedelta(days=1)),
                        ("date", "<=", today + timedelta(days=400)),
                    ],
                    ["date"],
                )
                .mapped("date")
            )
        return send_window.SendingPolicy(
            allowed=send_window.window_from_hours(
                start or self.sms_retention_quiet_start,
                end or self.sms_retention_quiet_end,
            ),
            blackouts=blackouts,
            holidays=holidays,
        )

    def _sms_retention_optout_texts(self, langs):
        """``{lang: opt-out text}`` of this company.

        Where the company's text is not translated into a language, the
        usual local wording is used (回复TD退订 for Chinese customers).
        """
        self.ensure_one()
        texts_by_lang = {}
        for lang in {"en_US", *(lang or "en_US" for lang in langs)}:
            # One column, not every company column (a lazy read).
            company = self.with_context(lang=lang)
            company.fetch(["sms_retention_optout_text"])
            texts_by_lang[lang] = company.sms_retention_optout_text or ""
        english = texts_by_lang["en_US"]
        texts = {}
        for lang in langs:
            text = texts_by_lang[lang or "en_US"]
            if text == english and lang:
                text = OPTOUT_TEXTS.get(lang, OPTOUT_TEXTS.get(lang[:2], text))
            texts[lang] = text
        return texts

    def _sms_retention_optout_text(self, country, message_class, lang):
        """The opt-out text that ends a ``message_class`` SMS of this company
        to a customer of ``country`` in ``lang``: the one rule of the sending
        run, the preview and the test SMS.

        - Where replies cannot reach us (the country's rules), a marketing
          SMS ends with the link to its web opt-out page (a sample page, made
          the message's by ``sms.retention.campaign._sms_retention_compose``);
        - else with the wording the country requires for its class, if any;
        - else, a marketing SMS with the company's opt-out text.
        """
        self.ensure_one()
        marketing = message_class == "marketing"
        if marketing and not self._sms_retention_replies_reach_us(country):
            return self.with_context(lang=lang)._sms_retention_web_optout_text()
        rule = self.env["sms.retention.country.rule"]._of_country(country)
        text = rule._optout_text(message_class, lang) if rule else ""
        if text or not marketing:
            return text
        return self._sms_retention_optout_texts([lang])[lang]

    def _sms_retention_replies_reach_us(self, country):
        """Whether customers of ``country`` can answer this company's SMS:
        their country's rules say so; provider addons narrow it (Twilio has
        no two-way SMS in some countries)."""
        self.ensure_one()
        rule = self.env["sms.retention.country.rule"]._of_country(country)
        return not rule or rule.replies_reach_us

    def _sms_retention_web_optout_text(self):
        # Translated in the context's language (the customer's).
        return _("Opt out: %(url)s", url=links.optout_url(self.get_base_url()))

    def _sms_retention_auto_reply_text(self, kind, lang):
        """The automatic answer ``kind`` (stop, start, help) in ``lang``."""
        self.ensure_one()
        own = self.with_context(lang=lang)[f"sms_retention_{kind}_text"]
        builtin = AUTO_REPLY_TEXTS[kind]
        text = own or builtin.get(lang) or builtin.get(lang[:2]) or builtin["en"]
        contact = self.phone or self.email or self.website or ""
        return text.replace("{company}", self.name or "").replace("{contact}", contact)

    @api.depends(
        lambda self: ["sms_provider"] if "sms_provider" in self._fields else []
    )
    def _compute_sms_retention_odoo_provider(self):
        for company in self:
            company.sms_retention_odoo_provider = (
                company._sms_retention_uses_odoo_provider()
            )

    def _sms_retention_uses_odoo_provider(self):
        """Whether this company sends through a provider of Odoo's own other
        than IAP: Odoo's ``sms_twilio`` (``sms_provider``, on 17.0 builds
        since August 2025). SMS Retention never takes such a company over."""
        self.ensure_one()
        return "sms_provider" in self._fields and self.sms_provider not in (
            False,
            "iap",
        )

    def _sms_retention_api_class(self):
        """The SMS Retention API class for this company, or None for Odoo's
        own providers (IAP, or Odoo's Twilio)."""
        self.ensure_one()
        if self._sms_retention_uses_odoo_provider():
            return None
        return self._sms_retention_provider_api_class()

    def _sms_retention_provider_api_class(self):
        """The API class of ``sms_retention_provider``, None for IAP.

        Provider addons extend this for their key.
        """
        self.ensure_one()
        if self.sms_retention_provider == "sandbox":
            return SmsApiSandbox
        return None

    def _get_sms_api_class(self):
        # Only called by 17.0 builds since Aug 2025, which define it in core.
        api_class = self._sms_retention_api_class()
        return api_class or super()._get_sms_api_class()
