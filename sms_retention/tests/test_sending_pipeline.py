# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sending job's two steps: materialise (policy, render, queue) and send."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import MissingError, UserError
from odoo.tests import tagged
from odoo.tools import SQL

from ..sending import QUEUED_SMS_STATE, SendingRun, send_with_api
from ..tools.sms_api_sandbox import SmsApiSandbox
from .common import SmsRetentionCommon


@tagged("post_install", "-at_install")
class TestSendingPipeline(SmsRetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref("sms_retention.sms_template_winback")
        cls.custom_campaign = cls._create_custom_campaign("Pipeline test", cls.template)

    def _customers(self, count, start=0):
        return self._create_us_customers(
            "Pipeline Customer", range(start, start + count)
        )

    def _plan(self, partners):
        return self.custom_campaign._enqueue(partners)

    def test_materialise_queues_sms_that_odoo_queue_leaves_alone(self):
        messages = self._plan(self._customers(3))
        materialised = self._materialise(messages)
        self.assertEqual(materialised, messages)
        self.assertEqual(set(messages.mapped("state")), {"queued"})
        sms = messages.sms_id
        self.assertEqual(len(sms), 3)
        self.assertEqual(set(sms.mapped("state")), {QUEUED_SMS_STATE})
        self.assertEqual(sms.mapped("uuid"), messages.mapped("sms_uuid"))
        self.assertEqual(sms.mapped("sms_retention_message_id"), messages)
        self.assertEqual(sms.mapped("body"), messages.mapped("body"))
        trackers = self.env["sms.tracker"].search(
            [("sms_uuid", "in", messages.mapped("sms_uuid"))]
        )
        self.assertEqual(trackers.sms_retention_message_id, messages)
        # Odoo's own SMS queue does not send what the retention job owns.
        with self.mock_sms_providers():
            self.env["sms.sms"]._process_queue()
        self.assertFalse(self.sandbox_batches)
        self.assertEqual(set(sms.mapped("state")), {QUEUED_SMS_STATE})

        with self.mock_sms_providers():
            self._send_queued(messages)
        self.assertEqual(len(self.sandbox_batches), 1)
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        self.assertTrue(all(messages.mapped("sent_at")))
        self.assertTrue(all(messages.mapped("delivered_at")), "the sandbox delivers")
        for message in messages:
            self.assertSandboxOutbox(message.number, message.body)
        # Delivered: nothing can follow, so the SMS go at once (Odoo would
        # only delete them later); their uuid stays on the messages.
        self.assertFalse(sms.exists())
        self.assertEqual(len(set(messages.mapped("sms_uuid"))), 3)

    def test_queued_rows_equal_orm_rows(self):
        """The SMS and tracker rows the sending run writes in SQL hold what
        the ORM writes with the same values, in every column whoever added
        it (the contract in ``sms.sms``'s docstring), but their author."""
        message = self._plan(self._customers(1))
        self._materialise(message)
        sms = message.sms_id
        orm_sms = self.env["sms.sms"].create(
            {
                "number": sms.number,
                "body": sms.body,
                "partner_id": sms.partner_id.id,
                "state": QUEUED_SMS_STATE,
            }
        )
        orm_tracker = self.env["sms.tracker"].create({"sms_uuid": orm_sms.uuid})
        self.env.flush_all()
        own = {"id", "uuid", "sms_uuid", "create_uid", "write_uid"}
        own |= {"create_date", "write_date"}
        for table, ids in (
            ("sms_sms", [sms.id, orm_sms.id]),
            (
                "sms_tracker",
                [
                    self.env["sms.tracker"].search([("sms_uuid", "=", sms.uuid)]).id,
                    orm_tracker.id,
                ],
            ),
        ):
            self.env.cr.execute(
                SQL(
                    "SELECT * FROM %s WHERE id = ANY(%s) ORDER BY id",
                    SQL.identifier(table),
                    ids,
                )
            )
            sql_row, orm_row = (
                {key: value for key, value in row.items() if key not in own}
                for row in self.env.cr.dictfetchall()
            )
            self.assertEqual(sql_row, orm_row, table)

    def test_rendered_body_is_the_template_in_the_customer_language(self):
        partner = self._customers(1)
        partner.lang = self._lang("zh_CN")
        message = self._plan(partner)
        self._materialise(message)
        expected = self.template._render_field("body", partner.ids, compute_lang=True)[
            partner.id
        ]
        self.assertEqual(message.body, expected)
        self.assertIn(partner.sms_retention_first_name, message.body)

    def test_delivery_reports_move_messages_forward_only(self):
        messages = self._plan(self._customers(2))
        self._materialise(messages)
        first, second = messages
        trackers = self.env["sms.tracker"].search(
            [("sms_uuid", "in", messages.mapped("sms_uuid"))]
        )
        tracker_of = {tracker.sms_uuid: tracker for tracker in trackers}
        tracker_of[first.sms_uuid]._action_update_from_sms_state("pending")
        self.assertEqual(first.state, "sent")
        self.assertFalse(first.delivered_at)
        tracker_of[first.sms_uuid]._action_update_from_sms_state("sent")
        self.assertTrue(first.delivered_at)
        # A late "accepted" report after delivery changes nothing.
        tracker_of[first.sms_uuid]._action_update_from_sms_state("pending")
        self.assertEqual(first.state, "sent")
        tracker_of[second.sms_uuid]._action_update_from_provider_error("not_delivered")
        self.assertEqual(
            (second.state, second.failure_type), ("failed", "sms_not_delivered")
        )
        # A failed message is not revived by a late acceptance.
        tracker_of[second.sms_uuid]._action_update_from_sms_state("pending")
        self.assertEqual(second.state, "failed")

    def test_cancel_a_queued_message_cancels_its_sms(self):
        message = self._plan(self._customers(1))
        self._materialise(message)
        message.action_cancel()
        self.assertEqual(message.state, "canceled")
        self.assertEqual(message.sms_id.state, "canceled")
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertNotIn(message.number, self._sandbox_numbers())

    def test_queued_message_whose_sms_was_deleted_fails_visibly(self):
        message = self._plan(self._customers(1))
        self._materialise(message)
        message.sms_id.unlink()
        self.assertEqual(
            (message.state, message.failure_type), ("failed", "sms_deleted")
        )
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual(
            (message.state, message.failure_type), ("failed", "sms_deleted")
        )

    def test_sms_handed_to_odoo_queue_leaves_the_job(self):
        """Regression: a queued message whose SMS a user set back to
        "outgoing" was locked again by every batch, so the job's loop never
        ended; Odoo's queue sends that SMS and its tracker moves the message."""
        message = self._plan(self._customers(1))
        self._materialise(message)
        message.sms_id.action_set_outgoing()
        run = SendingRun(self.env)
        self.assertFalse(run.lock_queued())
        self.assertFalse(run.lock_queued(uuids=[message.sms_uuid]))
        with self.mock_sms_providers():
            self.env["sms.sms"]._process_queue()
        self.assertEqual(message.state, "sent")
        self.assertSandboxOutbox(message.number, message.body)

    def test_provider_failure_marks_messages_failed(self):
        messages = self._plan(self._customers(2))
        sandbox = type(self.env["sms.retention.sandbox.message"])
        down = ConnectionError("provider down")
        sending_log = "odoo.addons.sms_retention.sending"
        with (
            self.mock_sms_providers(),
            patch.object(sandbox, "_record_batch", side_effect=down),
            self.assertLogs(sending_log, "WARNING") as logs,
        ):
            self._run_sending_job()
        self.assertIn("through sandbox failed: ConnectionError", logs.output[0])
        self.assertEqual(set(messages.mapped("state")), {"failed"})
        self.assertEqual(set(messages.mapped("failure_type")), {"sms_server"})

    def test_one_batch_of_chatter_and_retention_sms(self):
        """Provider results apply set-wise to retention messages and through
        Odoo's tracker methods to a chatter SMS of the same batch."""
        messages = self._plan(self._customers(2))
        self._materialise(messages)
        partner = messages[0].partner_id
        mail_message = partner._message_sms(
            "Chatter hello", partner_ids=partner.ids, put_in_queue=True
        )
        chatter_sms = self.env["sms.sms"].search(
            [("mail_message_id", "=", mail_message.id)]
        )
        notification = mail_message.notification_ids
        self.assertEqual(notification.notification_status, "ready")
        all_sms = (messages.sms_id | chatter_sms).sudo()
        self.assertEqual(self.custom_campaign.sent_count, 0)  # now cached
        api = SmsApiSandbox(self.env)._set_company(self.env.company)
        uuids = all_sms.mapped("uuid")
        with self.mock_sms_providers():
            send_with_api(all_sms, api, False, True, False)
        # Delivered retention SMS are deleted; the chatter SMS is left to
        # Odoo's cleanup, as Odoo does.
        self.assertEqual(all_sms.exists(), chatter_sms)
        self.assertEqual((chatter_sms.state, chatter_sms.to_delete), ("sent", True))
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        self.assertTrue(all(messages.mapped("sent_at")))
        self.assertTrue(all(messages.mapped("delivered_at")))
        self.assertEqual(notification.notification_status, "sent")
        self.assertEqual(
            len(
                self.env["sms.retention.sandbox.message"].search(
                    [("sms_uuid", "in", uuids)]
                )
            ),
            3,
        )
        self.assertEqual(self.custom_campaign.sent_count, 2)

    def test_odoo_cleanup_of_sent_sms_leaves_messages_alone(self):
        """Regression: messages referenced their SMS by a foreign key without
        an index, so each SMS deleted by Odoo's daily cleanup scanned every
        message. The link is now the uuid."""
        messages = self._plan(self._customers(2))
        # Accepted, not yet delivered: the SMS are kept for delivery reports.
        with self.mock_sms_providers(sandbox_state="success"):
            self._run_sending_job()
        sms = messages.sms_id
        self.assertEqual(len(sms), 2)
        self.assertEqual(set(sms.mapped("state")), {"pending"})
        self.assertEqual(sms.mapped("uuid"), messages.mapped("sms_uuid"))
        self.assertTrue(all(sms.mapped("to_delete")))
        self.env.flush_all()
        write_dates = messages.mapped("write_date")
        self.env["sms.sms"]._gc_device()
        self.env.invalidate_all()
        self.assertFalse(sms.exists())
        self.assertFalse(messages.sms_id)
        self.assertEqual(messages.mapped("state"), ["sent", "sent"])
        self.assertTrue(all(messages.mapped("sms_uuid")))
        self.assertEqual(messages.mapped("write_date"), write_dates)
        self.env.cr.execute(
            """SELECT count(*) FROM pg_constraint
                WHERE conrelid = 'sms_retention_message'::regclass
                  AND confrelid = 'sms_sms'::regclass"""
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_sms_whose_message_is_gone_is_canceled_not_sent(self):
        messages = self._plan(self._customers(2))
        self._materialise(messages)
        kept, gone = messages
        orphan_sms, gone_number = gone.sms_id, gone.number
        gone.unlink()
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual(kept.state, "sent")
        self.assertEqual((orphan_sms.state, orphan_sms.to_delete), ("canceled", True))
        self.assertFalse(orphan_sms.failure_type)
        self.assertIn(kept.number, self._sandbox_numbers())
        self.assertNotIn(gone_number, self._sandbox_numbers())

    def test_sending_settings_are_read_once_per_run(self):
        """The job reads a company's settings once per run: a change made
        during a run applies from the next run, and texts keep the run's
        opt-out wording."""
        self.custom_campaign.message_class = "marketing"
        self.custom_campaign.holdout_percent = 0  # every customer texted
        self.company.sms_retention_allow_unknown_consent = True
        first, second, third = self._plan(self._customers(3))
        run = SendingRun(self.env)
        self._materialise(first, run)
        self.company.write(
            {
                "sms_retention_allow_unknown_consent": False,
                "sms_retention_optout_text": "Text NOMORE to stop",
            }
        )
        self._materialise(second, run)
        self._materialise(third)
        self.assertEqual(
            (first | second | third).mapped("state"), ["queued", "queued", "skipped"]
        )
        self.assertEqual(third.skip_reason, "consent")
        self.assertNotIn("NOMORE", second.body)
        self.assertEqual(first.body, second.body.replace("Customer1", "Customer0"))

    def test_retention_sms_are_sent_by_their_message_company(self):
        """A retention SMS has no sending company of its own: its message's
        company sends it, through the sending job or any other send path."""
        other = self.env["res.company"].create(
            {
                "name": "Other Retention Co",
                "country_id": self.env.ref("base.us").id,
                "sms_retention_provider": "sandbox",
                # Open all day, as the test company: whatever the time now.
                "sms_retention_quiet_start": 0.0,
                "sms_retention_quiet_end": 24.0,
            }
        )
        other.sms_retention_blackout_ids.unlink()
        mine, theirs = self._plan(self._customers(2))
        theirs.company_id = other
        self._materialise(mine | theirs)
        self.assertEqual((mine | theirs).mapped("state"), ["queued", "queued"])
        sms = mine.sms_id | theirs.sms_id
        self.assertFalse(sms.sms_retention_company_id)
        self.assertEqual(
            sms._sms_retention_company_ids(),
            {mine.sms_id.id: self.company.id, theirs.sms_id.id: other.id},
        )
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual((mine | theirs).mapped("state"), ["sent", "sent"])
        self.assertSandboxOutbox(mine.number, company=self.company)
        self.assertSandboxOutbox(theirs.number, company=other)

    def test_sent_messages_update_no_index(self):
        """No index of the message table involves its state: the send step's
        "queued -> sent" update can stay on its page (a HOT update). The due
        index reads a generated column that is NULL unless scheduled."""
        self.env.cr.execute(
            """SELECT i.indexrelid::regclass::text
                 FROM pg_index i
                 JOIN pg_attribute a ON a.attrelid = i.indrelid
                WHERE i.indrelid = 'sms_retention_message'::regclass
                  AND a.attname IN ('state', 'sent_at', 'delivered_at',
                                    'write_date', 'write_uid')
                  AND (a.attnum = ANY(i.indkey)
                       OR position(a.attname IN COALESCE(
                              pg_get_expr(i.indpred, i.indrelid), '')) > 0
                       OR position(a.attname IN COALESCE(
                              pg_get_expr(i.indexprs, i.indrelid), '')) > 0)"""
        )
        self.assertEqual(self.env.cr.fetchall(), [])
        self.env.cr.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'sms_retention_message'"
        )
        self.assertIn("fillfactor=60", self.env.cr.fetchone()[0])
        early, late = self._plan(self._customers(2))
        late.planned_at = fields.Datetime.now() + timedelta(hours=1)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id, scheduled_due_at FROM sms_retention_message WHERE id IN %s",
            [(early.id, late.id)],
        )
        due = dict(self.env.cr.fetchall())
        self.assertEqual(due[late.id], late.planned_at)
        run = SendingRun(self.env)
        locked = [row.id for row in run.lock(limit=10000)]
        self.assertIn(early.id, locked)
        self.assertNotIn(late.id, locked)
        self._materialise(early, run)
        self.env.cr.execute(
            "SELECT scheduled_due_at FROM sms_retention_message WHERE id = %s",
            [early.id],
        )
        self.assertIsNone(self.env.cr.fetchone()[0])
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual((early.state, late.state), ("sent", "scheduled"))

    def test_outbox_finds_the_customer_by_number(self):
        partners = self._customers(2)
        messages = self._plan(partners)
        with self.mock_sms_providers():
            self._run_sending_job()
        stranger = self.env["sms.retention.sandbox.message"]._record_batch(
            [
                {
                    "content": "hi",
                    "numbers": [{"uuid": "x" * 32, "number": "+12125559876"}],
                }
            ],
            self.env.company,
        )
        self.assertEqual(stranger[0]["state"], "delivered")
        outbox = self.env["sms.retention.sandbox.message"]
        first = outbox.search([("sms_uuid", "=", messages[0].sms_uuid)])
        self.assertEqual(first.partner_id, partners[0])
        self.assertEqual(
            outbox.search([("partner_id", "=", partners[1].id)]).number,
            messages[1].number,
        )
        self.assertEqual(
            outbox.search([("partner_id", "ilike", "Pipeline Customer1")]).partner_id,
            partners[1],
        )
        unknown = outbox.search([("partner_id", "=", False)])
        self.assertIn("+12125559876", unknown.mapped("number"))
        self.assertNotIn(messages[0].number, unknown.mapped("number"))

    def test_sms_uuids_follow_creation_order(self):
        """Retention SMS uuids start with the time (version 7): a batch's
        keys land on the last pages of the four uuid indexes."""
        messages = self._plan(self._customers(3))
        self._materialise(messages)
        uuids = messages.sms_id.sorted("id").mapped("uuid")
        self.assertEqual(len(set(uuids)), 3)
        for sms_uuid in uuids:
            self.assertRegex(sms_uuid, r"^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$")
        self.assertEqual({sms_uuid[:8] for sms_uuid in uuids}, {uuids[0][:8]})

    def test_enqueue_inserts_each_key_once_with_the_customer_facts(self):
        good = self._customers(1)
        good.sms_retention_segment = "active"
        no_number = self.env["res.partner"].create({"name": "No Number"})
        invalid = self.env["res.partner"].create({"name": "Bad", "mobile": "12"})
        cron = self.env.ref("sms_retention.ir_cron_sms_retention_send")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        partners = good | no_number | invalid
        messages = self._plan(partners | good)  # one customer twice
        self.assertEqual(messages.partner_id, partners)
        by_partner = {m.partner_id: m for m in messages}
        self.assertEqual(
            (by_partner[good].state, by_partner[good].number),
            ("scheduled", "+12125550000"),
        )
        self.assertEqual(by_partner[good].segment, "active")
        self.assertEqual(by_partner[good].company_id, self.env.company)
        self.assertEqual(by_partner[no_number].skip_reason, "no_number")
        self.assertEqual(by_partner[invalid].skip_reason, "invalid_number")
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            1,
            "the sending job is woken for the scheduled message",
        )
        self.assertFalse(self._plan(partners), "the same keys are not planned again")
        self.assertEqual(
            self.env["sms.retention.message"].search_count(
                [("campaign_id", "=", self.custom_campaign.id)]
            ),
            3,
        )

    def test_campaign_changes_apply_to_the_next_enqueue(self):
        """The campaign's cached planning facts follow its edits."""
        first, second, third, fourth = self._customers(4)
        self.assertFalse(self._plan(first).variant_id)
        self.custom_campaign.write({"delay": 2, "delay_unit": "days"})
        planned = self._plan(second).planned_at
        self.assertGreater(planned, fields.Datetime.now() + timedelta(days=1))
        variant = self.env["sms.retention.variant"].create(
            {
                "name": "Only",
                "campaign_id": self.custom_campaign.id,
                "sms_template_id": self.template.id,
                "weight": 1,
            }
        )
        self.assertEqual(self._plan(third).variant_id, variant)
        self.custom_campaign.segment_ids = self.env.ref("sms_retention.segment_dormant")
        self.assertFalse(self._plan(fourth), "a potential customer is left out")

    def test_segment_audience_without_domain_matches_the_search(self):
        partners = self._customers(4)
        partners[0].sms_retention_segment = "active"
        partners[1].sms_retention_segment = "dormant"
        partners[2].sms_retention_segment = "active"
        self.custom_campaign.segment_ids = self.env.ref("sms_retention.segment_active")
        audience = self.custom_campaign._audience_filter(partners)
        searched = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search(
                [("id", "in", partners.ids)] + self.custom_campaign._audience_domain()
            )
        )
        self.assertEqual(audience, partners[0] | partners[2])
        self.assertEqual(set(audience.ids), set(searched.ids))

    def test_lock_reads_the_facts_of_its_batch(self):
        """The lock of due messages reads what the policy needs of them in
        the same query, as typed rows."""
        messages = self._plan(self._customers(3))
        self.env["phone.blacklist"].sudo()._add([messages[1].number])
        messages[2].partner_id.sms_retention_consent = "opted_out"
        run = SendingRun(self.env)
        facts = {row.id: row for row in run.lock(ids=messages.ids)}
        self.assertEqual(sorted(facts), sorted(messages.ids))
        first = facts[messages[0].id]
        self.assertEqual(
            (first.number, first.partner_id, first.campaign_id, first.company_id),
            (
                messages[0].number,
                messages[0].partner_id.id,
                self.custom_campaign.id,
                self.company.id,
            ),
        )
        self.assertEqual(first.number_facts(), (True, False))
        self.assertTrue(facts[messages[1].id].blacklisted)
        self.assertEqual(facts[messages[2].id].consent, "opted_out")
        self.assertEqual(run.materialise(list(facts.values())), messages[0])
        self.assertEqual(messages.mapped("state"), ["queued", "skipped", "skipped"])

    def test_query_count_does_not_grow_with_the_batch(self):
        """Constant SQL queries per batch: 10 or 60 messages, same count
        (after a first batch that fills the caches)."""
        counts = {}
        for size, start in ((5, 200), (10, 0), (60, 100)):
            messages = self._plan(self._customers(size, start=start))
            counts[size] = self._send_counting_queries(messages)
            self.assertEqual(set(messages.mapped("state")), {"sent"})
        self.assertEqual(counts[10], counts[60], counts)

    def test_provider_is_read_once_per_run(self):
        """The sending job reads each company's provider once per run: a
        change made meanwhile applies from the next run, as the job's other
        settings do."""
        first, second, third = (
            self._plan(self._customers(2, start=start)) for start in (300, 310, 320)
        )
        self._materialise(first | second | third)
        run = SendingRun(self.env)
        with self.mock_sms_providers():
            for messages in (first, second):
                run.send_messages(messages)
                if messages == first:
                    self.env.invalidate_all()
                    self.company.sms_retention_provider = "iap"
            self.assertEqual(set((first | second).mapped("state")), {"sent"})
            self.assertEqual(len(self._sandbox_numbers()), 4)
            self.assertFalse(self.iap_calls)
            SendingRun(self.env).send_messages(third)
            self.assertEqual(len(self._iap_numbers()), 2, "a new run")
        self.assertEqual(len(self._sandbox_numbers()), 4)

    def _plan_with_batch_sizes(self, materialise_size, send_size, partners):
        """Send whatever else is due, set the job's batch sizes, plan."""
        with self.mock_sms_providers():
            self._run_sending_job()
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("sms_retention.materialise_batch_size", materialise_size)
        params.set_param("sms_retention.send_batch_size", send_size)
        return self._plan(partners)

    def test_each_step_takes_its_own_batch_size(self):
        """Materialise and send each lock their own batch: the send step
        hands the provider at most ``send_batch_size`` SMS per transaction,
        and the loop runs until both steps are done."""
        messages = self._plan_with_batch_sizes("5", "2", self._customers(11, 400))
        materialise = SendingRun.materialise
        materialised = []

        def recording_materialise(run, facts):
            materialised.append(len(facts))
            return materialise(run, facts)

        with (
            self.mock_sms_providers(),
            patch.object(
                SendingRun,
                "materialise",
                autospec=True,
                side_effect=recording_materialise,
            ),
        ):
            self._run_sending_job()
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        self.assertEqual(materialised[:3], [5, 5, 1])
        self.assertFalse(any(materialised[3:]), materialised)
        handed = [
            sum(len(message["numbers"]) for message in batch)
            for _company, batch in self.sandbox_batches
        ]
        self.assertEqual(handed, [2] * 5 + [1])
        self.assertEqual(
            sorted(self._sandbox_numbers()), sorted(messages.mapped("number"))
        )

    def test_batch_sizes_below_one_count_as_one(self):
        """Regression: a batch size of 0 locked nothing, and the job's loop
        never ended."""
        messages = self._plan_with_batch_sizes("0", "-5", self._customers(3, 440))
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        self.assertEqual(
            [len(batch) for _company, batch in self.sandbox_batches], [1] * 3
        )

    def test_odoo_provider_splits_a_send_batch_in_its_own_requests(self):
        """A send batch larger than Odoo's ``sms.session.batch.size`` reaches
        IAP in requests of that size, in the same transaction."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("sms_retention.send_batch_size", "2000")
        params.set_param("sms.session.batch.size", "2")
        with self.mock_sms_providers():
            self._run_sending_job()  # whatever else is due
        self.company.sms_retention_provider = "iap"
        messages = self._plan(self._customers(5, start=420))
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        self.assertEqual(
            [
                sum(len(message["numbers"]) for message in call["messages"])
                for call in self.iap_calls
            ],
            [2, 2, 1],
        )
        self.assertEqual(self.env["sms.sms"]._sms_retention_send_batch_size(), 2000)


@tagged("post_install", "-at_install")
class TestBatchRendering(SmsRetentionCommon):
    """The batch renderer gives Odoo's result, and Odoo's errors: texts of
    plain ``object.a.b`` placeholders without evaluating anything, the
    others through Odoo's renderer."""

    def _spy_odoo_renderer(self):
        """Patch Odoo's ``_render_template`` of the SMS templates: the texts
        it renders are appended to the list returned."""
        rendered = []
        template_class = type(self.env["sms.template"])
        original = template_class._render_template

        def spied(records, template_src, *args, **kwargs):
            rendered.append(template_src)
            return original(records, template_src, *args, **kwargs)

        return rendered, patch.object(template_class, "_render_template", spied)

    def test_same_as_odoo_for_every_shipped_template_and_language(self):
        """Every shipped template, in English, Chinese and Thai (and in a
        language without translation), renders as Odoo's renderer renders it,
        and needs nothing but plain placeholders: no evaluation."""
        for lang in ("zh_CN", "zh_TW", "th_TH"):
            self.env["ir.module.module"]._load_module_terms(
                ["sms_retention"], [self._lang(lang)]
            )
        branch = self.env["res.company"].create({"name": "Branch Co"})
        partners = self.env["res.partner"]
        for lang in ("en_US", "zh_CN", "zh_TW", "th_TH", "fr_FR"):
            partners |= self._create_customer(
                f"Name {lang} Surname", "+1 212 555 0199", "us", lang=self._lang(lang)
            )
        partners |= self._create_customer("", "+1 212 555 0198", "us")
        orders = self.env["sale.order"].browse(
            [self._create_order(partner, confirm=False).id for partner in partners]
        )
        partners[1].company_id = branch
        partners[2].company_id = False
        shipped = self.env["ir.model.data"].search(
            [("module", "=", "sms_retention"), ("model", "=", "sms.template")]
        )
        templates = self.env["sms.template"].search(
            [
                "|",
                ("id", "in", shipped.mapped("res_id")),
                (
                    "id",
                    "in",
                    self.env["sms.retention.campaign"]
                    .with_context(active_test=False)
                    .search([])
                    .sms_template_id.ids,
                ),
            ]
        )
        self.assertGreaterEqual(len(templates), 6)
        onboarding = self.env.ref("sms_retention.sms_template_onboarding")
        self.assertIn("欢迎", onboarding.with_context(lang="zh_CN").body)
        self.assertIn("ยินดี", onboarding.with_context(lang="th_TH").body)
        for template in templates:
            records = orders if template.model == "sale.order" else partners
            with self.subTest(template=template.name):
                expected = template._render_field(
                    "body", records.ids, compute_lang=True
                )
                self.env.invalidate_all()
                odoo_rendered, spy = self._spy_odoo_renderer()
                with spy:
                    bodies = template._sms_retention_render_body(records.ids)
                self.assertEqual(bodies, expected)
                self.assertEqual(odoo_rendered, [], "no text needs Odoo's renderer")
        bodies = onboarding._sms_retention_render_body(partners.ids)
        self.assertIn("Branch Co", bodies[partners[1].id])
        self.assertIn(self.env.company.name, bodies[partners[2].id])
        self.assertIn("欢迎", bodies[partners[1].id])

    def test_company_placeholder_means_what_the_expression_meant(self):
        """``object.sms_retention_company_id`` is what the shipped texts
        wrote before: the customer's company, or the current one."""
        branch = self.env["res.company"].create({"name": "Branch Co"})
        partners = self._create_us_customers("Company Customer", range(3))
        partners[1].company_id = branch
        partners[2].company_id = False
        template = self.env["sms.template"].create(
            {
                "name": "Companies",
                "model_id": self.env.ref("base.model_res_partner").id,
                "body": "{{ (object.company_id or object.env.company).name }}",
            }
        )
        expected = template._render_field("body", partners.ids)
        template.body = "{{ object.sms_retention_company_id.name }}"
        self.assertEqual(template._sms_retention_render_body(partners.ids), expected)
        self.assertEqual(expected[partners[1].id], "Branch Co")
        self.assertEqual(expected[partners[2].id], self.env.company.name)

    def test_plain_placeholders_per_language_as_odoo(self):
        """A template of plain ``object.x`` placeholders, translated with other
        placeholders per language, renders as Odoo's renderer does, also for
        a customer whose language is not installed."""
        template = self.env["sms.template"].create(
            {
                "name": "Plain placeholders",
                "model_id": self.env.ref("base.model_res_partner").id,
                "lang": "{{ object.lang }}",
                "body": "Hi {{ object.name }} of {{ object.company_id.name }}",
            }
        )
        template.with_context(
            lang=self._lang("zh_CN")
        ).body = "{{ object.country_id.code }}：{{ object.name }}，你好"
        partners = self._create_customer("Ada", "+1 212 555 0191", "us")
        partners |= self._create_customer(
            "Li Lei", "+1 212 555 0192", "cn", lang="zh_CN"
        )
        partners |= self._create_customer("Somchai", "+1 212 555 0193", "th")
        self.env.cr.execute(
            "UPDATE res_partner SET lang = 'xx_XX' WHERE id = %s", [partners[2].id]
        )
        self.env.invalidate_all()
        odoo_rendered, spy = self._spy_odoo_renderer()
        with spy:
            bodies = template._sms_retention_render_body(partners.ids)
        self.assertEqual(odoo_rendered, [])
        self.assertEqual(
            bodies, template._render_field("body", partners.ids, compute_lang=True)
        )
        self.assertEqual(bodies[partners[1].id], "CN：Li Lei，你好")
        self.assertEqual(bodies[partners[2].id], "Hi Somchai of ")

    def test_only_the_fields_the_placeholders_use_are_read(self):
        """A batch reads the placeholders' fields, one query per model, not
        every partner column, and renders what Odoo's renderer renders."""
        template = self.env.ref("sms_retention.sms_template_onboarding")
        partners = self._create_customer("Ada Lovelace", "+1 212 555 0197", "us")
        partners |= self._create_customer("Grace Hopper", "+1 212 555 0196", "us")
        renderings = {}
        template._sms_retention_render_prepared(renderings)
        self.env.invalidate_all()
        # The partners' fields (and the company of one placeholder), the
        # companies' names.
        with self.assertQueryCount(2):
            bodies = template._sms_retention_render_body(partners.ids, renderings)
        self.assertNotIn(
            partners[0].id,
            self.env.cache._data.get(partners._fields["email"], {}),
            "columns no placeholder uses are not fetched",
        )
        self.assertEqual(
            bodies, template._render_field("body", partners.ids, compute_lang=True)
        )

    def test_expressions_go_through_odoos_renderer(self):
        """Placeholders other than plain chains of fields (an expression, a
        chain through a many2many, an attribute that is not a field) are
        rendered by Odoo's renderer, per language, with customers of two
        companies and none."""
        template = self.env["sms.template"].create(
            {
                "name": "Expressions",
                "model_id": self.env.ref("base.model_res_partner").id,
                "lang": "{{ object.lang }}",
                "body": "{{ (object.company_id or object.env.company).name }}|"
                "{{ (object.name or '').split(' ')[0] }}|{{ object.country_id.code }}|"
                "{{ object.display_name if object else '' }}|"
                "{{ object.parent_id.name or '-' }}|{{ object.ref }}",
            }
        )
        branch = self.env["res.company"].create({"name": "Branch Co"})
        partners = self.env["res.partner"]
        for index, (name, company) in enumerate(
            [
                ("Ada Lovelace", self.env.company),
                ("Grace Hopper", branch),
                ("Li Lei", False),
                ("Ada Byron", branch),
                ("", self.env.company),
            ]
        ):
            partner = self._create_customer(
                name, f"+1 212 555 01{index:02d}", "us", lang=self._lang("zh_CN")
            )
            partner.write(
                {"company_id": company and company.id, "ref": f"R{index % 2}"}
            )
            partners |= partner
        partners[1].parent_id = partners[0]
        self.env.invalidate_all()
        odoo_rendered, spy = self._spy_odoo_renderer()
        with spy:
            bodies = template._sms_retention_render_body(partners.ids)
        self.assertEqual(odoo_rendered, [template.body])
        self.assertEqual(
            bodies, template._render_field("body", partners.ids, compute_lang=True)
        )
        self.assertEqual(
            bodies[partners[1].id],
            "Branch Co|Grace|US|Ada Lovelace, Grace Hopper|Ada Lovelace|R1",
        )
        self.assertTrue(
            bodies[partners[2].id].startswith(f"{self.env.company.name}|Li|")
        )
        category = self.env["res.partner.category"].create({"name": "VIP"})
        partners[0].category_id = category
        for body in ("{{ object.category_id.name }}", "{{ object.env.lang }}"):
            template.body = body
            odoo_rendered, spy = self._spy_odoo_renderer()
            with spy:
                bodies = template._sms_retention_render_body(partners.ids)
            with self.subTest(body=body):
                self.assertEqual(odoo_rendered, [body])
                self.assertEqual(
                    bodies,
                    template._render_field("body", partners.ids, compute_lang=True),
                )
        self.assertEqual(bodies[partners[0].id], "zh_CN")

    def test_forbidden_expression_raises_odoo_error(self):
        template = self.env["sms.template"].create(
            {
                "name": "Hostile",
                "model_id": self.env.ref("base.model_res_partner").id,
                "body": "Hi {{ object.__class__ }}",
            }
        )
        with self.assertRaises(UserError):
            template._sms_retention_render_body(self.customer_us.ids)

    def test_deleted_record_raises_missing_error(self):
        """A record deleted since planning raises, as Odoo's renderer does:
        the sending job then fails its message alone."""
        template = self.env.ref("sms_retention.sms_template_winback")
        partners = self._create_us_customers("Deleted Customer", range(2))
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM res_partner WHERE id = %s", [partners[1].id])
        self.env.invalidate_all()
        with self.assertRaises(MissingError):
            template._sms_retention_render_body(partners.ids)

    def test_template_is_prepared_once_per_run(self):
        """Within one run (one ``renderings``), a template's texts and tracked
        links are prepared once: one tracked link lookup for two batches,
        and an edit made meanwhile applies from the next run, as the job's
        settings do."""
        template = self.env["sms.template"].create(
            {
                "name": "Once per run",
                "model_id": self.env.ref("base.model_res_partner").id,
                "lang": "{{ object.lang }}",
                "body": "Hi {{ object.name }}: "
                "{{ short_url('https://shop.example.com/run') }}",
            }
        )
        first, second = self._create_us_customers("Run Customer", range(2))
        link_tracker = type(self.env["link.tracker"])
        lookups = []
        original = link_tracker.search_or_create

        def counted(records, vals_list):
            lookups.append(vals_list)
            return original(records, vals_list)

        renderings = {}
        with patch.object(link_tracker, "search_or_create", counted):
            before = template._sms_retention_render_body(first.ids, renderings)
            template.body = "Bye {{ object.name }}"
            during = template._sms_retention_render_body(second.ids, renderings)
            after = template._sms_retention_render_body(second.ids, {})
        self.assertEqual(len(lookups), 1)
        link = self.env["link.tracker"].search(
            [("url", "=", "https://shop.example.com/run")]
        )
        self.assertEqual(before[first.id], f"Hi {first.name}: {link.short_url}")
        self.assertEqual(during[second.id], f"Hi {second.name}: {link.short_url}")
        self.assertEqual(after[second.id], f"Bye {second.name}")

    def test_short_url_placeholder(self):
        """``short_url()`` gives one tracked link per URL, in both renderers."""
        template = self.env["sms.template"].create(
            {
                "name": "With a link",
                "model_id": self.env.ref("base.model_res_partner").id,
                "body": "Come back: {{ short_url('https://shop.example.com/new') }}"
                "{{ short_url('') }}",
            }
        )
        partners = self.customer_us | self.customer_cn
        fast = template._sms_retention_render_body(partners.ids)
        odoo = template._render_field("body", partners.ids, compute_lang=True)
        self.assertEqual(fast, odoo)
        tracker = self.env["link.tracker"].search(
            [("url", "=", "https://shop.example.com/new")]
        )
        self.assertEqual(len(tracker), 1)
        self.assertEqual(set(fast.values()), {f"Come back: {tracker.short_url}"})
        self.assertIn("/r/", tracker.short_url)
