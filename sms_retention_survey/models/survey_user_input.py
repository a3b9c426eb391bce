# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from odoo.addons.sms_retention.models.sms_retention_inbound import READ_AS_ANSWER
from odoo.addons.sms_retention.tools.cron import can_commit
from odoo.addons.sms_retention.tools.reply_parser import parse_answer
from odoo.addons.sms_retention.tools.sending_policy import CONSENT_ONLY

_logger = logging.getLogger(__name__)

SMS_STATES = [
    ("waiting", "Waiting for reply"),
    ("review", "Manual review"),
    ("done", "Completed"),
    ("stopped", "Stopped"),
    ("expired", "Expired"),
]
OPEN_STATES = ("waiting", "review")
MAX_FAILED_PARSES = 2


class SurveyUserInput(models.Model):
    """A survey response, answered on the web or by SMS.

    An SMS response is created by the sending job (superuser) and then fed by
    the customer's replies, which arrive through a public webhook: the whole
    SMS flow runs as superuser (``*_sudo``). Users read responses with the
    survey's own access rights.
    """

    _inherit = "survey.user_input"

    channel = fields.Selection(
        [("web", "Web"), ("sms", "SMS")],
        default="web",
        required=True,
        index=True,
        readonly=True,
        help="How the response was collected (an SMS response may also be "
        "continued on the web with its link).",
    )
    sms_state = fields.Selection(
        SMS_STATES, "SMS Status", index=True, readonly=True, copy=False
    )
    sms_message_id = fields.Many2one(
        "sms.retention.message",
        "Retention SMS",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    sms_campaign_id = fields.Many2one(
        "sms.retention.campaign",
        "Campaign",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    sms_company_id = fields.Many2one("res.company", "SMS Company", readonly=True)
    sms_number = fields.Char("SMS Number", readonly=True, index="btree_not_null")
    sms_question_id = fields.Many2one(
        "survey.question",
        "Pending Question",
        readonly=True,
        ondelete="set null",
        help="The question last sent by SMS, awaiting a reply.",
    )
    sms_failed_parses = fields.Integer(
        "Unreadable Replies",
        readonly=True,
        help="Replies to the pending question that could not be read.",
    )
    sms_last_reply = fields.Text("Last Reply", readonly=True)
    sms_sent_at = fields.Datetime("SMS Sent", readonly=True)
    sms_first_reply_at = fields.Datetime("First Reply", readonly=True)
    sms_last_activity_at = fields.Datetime("Last SMS Activity", readonly=True)
    sms_score = fields.Float("Score", readonly=True, group_operator="avg")
    sms_score_min = fields.Float("Scale Minimum", readonly=True)
    sms_score_max = fields.Float("Scale Maximum", readonly=True)
    sms_comment = fields.Text("Comment", readonly=True)
    sms_exit_reason = fields.Char("Exit Reason", readonly=True)
    sms_routed = fields.Boolean(
        "Score Routed",
        readonly=True,
        copy=False,
        help="The score rules (follow-up, reward, exit reason) ran for this "
        "response; they run once.",
    )
    sms_reward_code = fields.Char("Reward Code", readonly=True, copy=False)
    sms_activity_id = fields.Many2one(
        "mail.activity", "Follow-up Activity", readonly=True, ondelete="set null"
    )
    sms_low_score = fields.Boolean(
        "Low Score",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The score was at or below the low threshold: the salesperson "
        "has a follow-up activity.",
    )

    # ------------------------------------------------------------
    # STARTING BY SMS
    # ------------------------------------------------------------

    @api.model
    def _sms_create_for_messages(self, messages):
        """Create one SMS response per retention message, in one ``create``.

        Mirrors ``survey.survey._create_answer`` (same checks, same values),
        batched over the messages of a sending run.

        :return: ``{message.id: user_input}`` (sudo)
        """
        inputs_sudo = self.sudo()
        vals_list = []
        now = fields.Datetime.now()
        for survey, survey_messages in messages.grouped(
            lambda m: m.campaign_id.survey_id
        ).items():
            survey = survey.sudo()
            try:
                survey._check_answer_creation(
                    self.env["res.users"],
                    self.env["res.partner"],
                    False,
                    check_attempts=False,
                )
            except UserError as error:
                _logger.warning(
                    "SMS survey %s not started: %s", survey.title, error.args[0]
                )
                continue
            if not survey.sms_ready:
                _logger.warning(
                    "SMS survey %s not started: it is no longer SMS-ready",
                    survey.title,
                )
                continue
            # Random question selection draws per response, otherwise once.
            per_response = survey.questions_selection == "random"
            predefined = survey._prepare_user_input_predefined_questions()
            for message in survey_messages:
                if per_response:
                    predefined = survey._prepare_user_input_predefined_questions()
                partner = message.partner_id
                vals_list.append(
                    {
                        "survey_id": survey.id,
                        "partner_id": partner.id,
                        "email": partner.email,
                        "nickname": partner.name,
                        "predefined_question_ids": [(6, 0, predefined.ids)],
                        "invite_token": inputs_sudo._generate_invite_token()
                        if survey.is_attempts_limited
                        else False,
                        "channel": "sms",
                        "sms_state": "waiting",
                        "sms_question_id": first_question(predefined).id,
                        "sms_message_id": message.id,
                        "sms_campaign_id": message.campaign_id.id,
                        "sms_company_id": message.company_id.id,
                        "sms_number": message.number,
                        "sms_sent_at": now,
                        "sms_last_activity_at": now,
                    }
                )
        created = inputs_sudo.create(vals_list)
        return {user_input.sms_message_id.id: user_input for user_input in created}

    def _sms_start_link(self):
        self.ensure_one()
        return f"{self.survey_id.get_base_url()}{self.get_start_url()}"

    # ------------------------------------------------------------
    # QUESTIONS
    # ------------------------------------------------------------

    def _sms_next_question(self):
        """The first active question of this response without an answer."""
        self.ensure_one()
        answered = self.user_input_line_ids.question_id
        questions = self.predefined_question_ids.filtered(lambda q: not q.is_page)
        triggering, _triggered, selected = self._get_conditional_values()
        for question in questions.sorted():
            if question in answered:
                continue
            needed = triggering.get(question)
            if needed and not (needed & selected):
                continue
            return question
        return self.env["survey.question"]

    def _sms_lang(self):
        self.ensure_one()
        return (
            self.partner_id.lang
            or self.sms_company_id.partner_id.lang
            or self.env.lang
            or "en_US"
        )

    def _sms_send(self, body):
        """Text the customer now, unless they opted out or are blacklisted.

        A conversational SMS: the customer just wrote, so sending hours do
        not hold it (the sending policy on consent only). The survey exempts
        no one from an opt-out. The SMS is logged on the customer's chatter,
        and on the order the survey is about.
        """
        self.ensure_one()
        if not body or not self.sms_number:
            return
        self.partner_id._sms_retention_send_now(
            body,
            CONSENT_ONLY,
            self.sms_company_id,
            "survey",
            number=self.sms_number,
            source=self.sms_message_id._get_source_record(),
        )

    # ------------------------------------------------------------
    # REPLIES
    # ------------------------------------------------------------

    def _sms_handle_reply(self, inbound):
        """Read one reply to the pending question; save, re-prompt or review.

        The reply's classification decides what it is (a STOP never comes
        here: ``_route_reply`` ends the surveys): only a reply classified as
        an answer or a complaint is read, as an answer to the question (the
        keyword rules are not applied again).
        """
        self.ensure_one()
        now = fields.Datetime.now()
        vals = {"sms_last_reply": inbound.body, "sms_last_activity_at": now}
        if not self.sms_first_reply_at:
            vals["sms_first_reply_at"] = now
        self.write(vals)
        if inbound.classification not in READ_AS_ANSWER:
            return  # the keyword actions answered; the question stays open
        question = self._sms_next_question()
        if not question:
            self._sms_finish()
            return
        question = question.with_context(lang=self._sms_lang())
        result = parse_answer(inbound.body, **question._sms_parse_args())
        if result.kind != "answer":
            self._sms_failed_parse(question)
            return
        self._sms_save_answer(question, result.value)
        if result.rest:
            self._sms_save_rest(result.rest)
        self._sms_continue()

    def _sms_save_rest(self, rest):
        """The words that came with a numeric answer ("2 the delivery was
        late") answer the free-text question that follows, if one does (the
        optional comment): it is then not asked."""
        self.ensure_one()
        question = self._sms_next_question()
        if question and question._sms_kind() == "free":
            self._sms_save_answer(question, rest)

    def _sms_failed_parse(self, question):
        failures = self.sms_failed_parses + 1
        self.write({"sms_failed_parses": failures, "sms_question_id": question.id})
        if failures >= MAX_FAILED_PARSES:
            self.sms_state = "review"
            return
        self._sms_send(question._sms_reprompt())

    def _sms_save_answer(self, question, value):
        """Save ``value`` (a number, an option number or a text) as Odoo would."""
        self.ensure_one()
        kind = question._sms_kind()
        if kind == "choice":
            option = question.suggested_answer_ids.sorted()[int(value) - 1]
            self._save_lines(question, option.id)
            if question.sms_exit_reason:
                self.sms_exit_reason = option.with_context(lang="en_US").value
                if self.sms_routed and self.partner_id:
                    # Routed already (on a score): record the reason now.
                    self.partner_id.sudo().sms_retention_lost_reason = (
                        self.sms_exit_reason
                    )
        elif kind in ("scale", "stars"):
            # str(): Odoo's survey API reads a plain 0 as "skipped".
            self._save_lines(question, str(value))
            if question == self.survey_id._sms_score_question():
                low, high = question._sms_bounds()
                self.write(
                    {"sms_score": value, "sms_score_min": low, "sms_score_max": high}
                )
                if self._sms_next_question():
                    # More questions follow: route now, since a low score
                    # must not wait for an optional comment the customer
                    # may never send. Else the finish routes, after thanks.
                    self._sms_route_score()
        else:
            self._save_lines(question, value)
            if not self.sms_comment:
                self.sms_comment = value
                self._sms_add_comment_to_follow_up(value)
        if self.state == "new":
            self._mark_in_progress()
        self.write({"sms_failed_parses": 0, "last_displayed_page_id": question.id})

    def _sms_continue(self):
        """Send the next question, or finish."""
        self.ensure_one()
        question = self._sms_next_question()
        if not question:
            self._sms_finish()
            return
        self.write({"sms_question_id": question.id, "sms_state": "waiting"})
        lang = self._sms_lang()
        self._sms_send(question.with_context(lang=lang)._sms_render())

    def _sms_finish(self):
        """Mark the response done, thank the customer, route the score."""
        self.ensure_one()
        self.write({"sms_state": "done", "sms_question_id": False})
        if self.state != "done":
            self._mark_done()
        survey = self.survey_id.with_context(lang=self._sms_lang())
        self._sms_send(survey.sms_thank_you)
        self._sms_route_score()

    def _mark_done(self):
        """An SMS response finished on the web (with its link) is done too."""
        res = super()._mark_done()
        on_web = self.filtered(
            lambda i: i.channel == "sms" and i.sms_state in OPEN_STATES
        )
        if on_web:
            on_web.sudo().write({"sms_state": "done", "sms_question_id": False})
            for user_input in on_web.sudo():
                user_input._sms_route_score()
        return res

    def _sms_end(self, state):
        """Stop or expire open responses; answers given so far are kept."""
        self.write({"sms_state": state})
        for user_input in self:
            user_input._sms_route_score(send=state != "stopped")

    # ------------------------------------------------------------
    # SCORE ROUTING
    # ------------------------------------------------------------

    def _sms_thresholds(self):
        self.ensure_one()
        campaign = self.sms_campaign_id
        if campaign.survey_override_thresholds:
            return campaign.survey_low_threshold, campaign.survey_high_threshold
        return self.survey_id.sms_low_threshold, self.survey_id.sms_high_threshold

    def _sms_route_score(self, send=True):
        """Follow-up, reward and exit reason: once per response."""
        self.ensure_one()
        if self.sms_routed:
            return
        # Claim the routing first: a re-entry (re-delivery) finds it done.
        self.env.cr.execute(
            """UPDATE survey_user_input SET sms_routed = TRUE
                WHERE id = %s AND sms_routed IS NOT TRUE RETURNING id""",
            [self.id],
        )
        claimed = self.env.cr.fetchone()
        self.invalidate_recordset(["sms_routed"])
        if not claimed:
            return
        if self.sms_exit_reason and self.partner_id:
            self.partner_id.sudo().write(
                {"sms_retention_lost_reason": self.sms_exit_reason}
            )
        score_question = self.survey_id._sms_score_question()
        line = self.user_input_line_ids.filtered(
            lambda line: line.question_id == score_question and not line.skipped
        )[:1]
        if not line:
            return
        score_low, score_high = score_question._sms_bounds()
        self.write(
            {
                "sms_score": line.value_numerical_box,
                "sms_score_min": score_low,
                "sms_score_max": score_high,
            }
        )
        low, high = self._sms_thresholds()
        if self.sms_score <= low:
            self.sms_low_score = True
            self._sms_low_score_follow_up()
        elif self.sms_score >= high and send:
            self._sms_send_reward()

    def _sms_low_score_follow_up(self):
        self.ensure_one()
        note = _(
            "%(customer)s gave %(score)s (scale %(low)s-%(high)s) in the SMS "
            "survey %(survey)s.",
            customer=self.partner_id.display_name or self.sms_number,
            score=_fmt(self.sms_score),
            low=_fmt(self.sms_score_min),
            high=_fmt(self.sms_score_max),
            survey=self.survey_id.title,
        )
        if self.sms_comment:
            note += "\n" + _("Comment: %(comment)s", comment=self.sms_comment)
        self.sms_activity_id = self.partner_id._sms_retention_follow_up(
            "sms_retention_survey.mail_activity_type_low_score",
            plaintext2html(note),
            self.sms_company_id,
            record=self.sms_message_id._get_source_record(),
        )
        tag = self.env.ref(
            "sms_retention_survey.res_partner_category_at_risk",
            raise_if_not_found=False,
        )
        if tag and self.partner_id:
            self.partner_id.sudo().category_id = [(4, tag.id)]

    def _sms_add_comment_to_follow_up(self, comment):
        """A comment sent after a low score joins its follow-up activity."""
        activity_sudo = self.sms_activity_id.sudo().exists()
        if not activity_sudo or not comment:
            return
        activity_sudo.note = Markup("%s%s") % (
            activity_sudo.note or "",
            plaintext2html(_("Comment: %(comment)s", comment=comment)),
        )

    def _sms_reward_code(self):
        """A coupon of the chosen loyalty program, else the static code."""
        self.ensure_one()
        survey = self.survey_id
        program = survey.sms_reward_program
        if (
            program
            and "loyalty.card" in self.env
            and program._name == "loyalty.program"
        ):
            card = (
                self.env["loyalty.card"]
                .sudo()
                .create(
                    {
                        "program_id": program.id,
                        "partner_id": self.partner_id.id,
                        "points": 1,
                    }
                )
            )
            return card.code
        return survey.sms_reward_code or ""

    def _sms_send_reward(self):
        self.ensure_one()
        survey = self.survey_id.with_context(lang=self._sms_lang())
        template = survey.sms_reward_text
        if not template:
            return
        code = self._sms_reward_code()
        self.sms_reward_code = code or False
        body = template.replace("{code}", code).replace(
            "{link}", survey.sms_review_url or ""
        )
        self._sms_send(" ".join(body.split(" ")).strip())

    # ------------------------------------------------------------
    # MANUAL REVIEW
    # ------------------------------------------------------------

    def action_sms_set_answer(self):
        self.ensure_one()
        question = self._sms_next_question()
        return {
            "type": "ir.actions.act_window",
            "name": _("Set the answer"),
            "res_model": "sms.retention.survey.answer",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_user_input_id": self.id,
                "default_question_id": question.id,
            },
        }

    # ------------------------------------------------------------
    # EXPIRY
    # ------------------------------------------------------------

    @api.model
    def _cron_expire_sms_responses(self, batch_size=500):
        """Expire SMS responses left open longer than their survey allows."""
        auto_commit = can_commit()
        now = fields.Datetime.now()
        inputs_sudo = self.sudo()
        groups = inputs_sudo._read_group(
            [("sms_state", "in", OPEN_STATES)], ["survey_id"]
        )
        for (survey,) in groups:
            days = survey.sms_expiry_days or 7
            while True:
                batch = inputs_sudo.search(
                    [
                        ("survey_id", "=", survey.id),
                        ("sms_state", "in", OPEN_STATES),
                        ("sms_last_activity_at", "<", now - timedelta(days=days)),
                    ],
                    limit=batch_size,
                )
                if not batch:
                    break
                batch._sms_end("expired")
                if auto_commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                elif len(batch) < batch_size:
                    break


def first_question(questions):
    """The first question asked: not a page, not conditional."""
    return questions.filtered(
        lambda q: not q.is_page and not q.triggering_answer_ids
    ).sorted()[:1]


def _fmt(number):
    """A score without a useless ``.0``."""
    return int(number) if float(number).is_integer() else number
