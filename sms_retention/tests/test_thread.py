# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The salesperson's conversation: chatter logs of every SMS, the thread,
replies to handle, the order's SMS button and the thread's live channel."""

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import plaintext2html
from odoo.tools.safe_eval import safe_eval

from ..sending import SendingRun, sms_html
from .common import SmsRetentionCommon

NUMBER = "+12125550101"


@tagged("post_install", "-at_install")
class TestThread(SmsRetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_us.write({"user_id": cls.salesperson.id})
        cls.campaign.delay = 0

    def _receive(self, body, number=NUMBER):
        with self.mock_sms_providers():
            return self.env["sms.retention.inbound"]._receive(
                "sandbox", number, body, company=self.company
            )

    def _sent_review(self, partner=None):
        order = self._create_order(partner or self.customer_us)
        with self.mock_sms_providers():
            self._run_sending_job()
        message = self._messages_of(order)
        self.assertEqual(message.state, "sent")
        return order, message

    def _sms_logs(self, record):
        return record.message_ids.filtered(lambda m: m.message_type == "sms")

    def _thread(self, partner=None, user=None):
        partner = (partner or self.customer_us).with_user(user or self.salesperson)
        return partner.with_company(self.company).sms_retention_thread_data()

    # CHATTER LOGS ----------------------------------------------------------

    def test_campaign_sms_is_logged_on_customer_and_order_as_odoo_logs_sms(self):
        """As Odoo's mass SMS keeps a log: an SMS message on each record; the
        delivery status is the retention message's, in the thread."""
        order, message = self._sent_review()
        for record in (self.customer_us, order):
            log = self._sms_logs(record)
            self.assertEqual(len(log), 1, record)
            self.assertEqual(log.sms_retention_kind, "campaign")
            self.assertIn(order.name, log.body)
            self.assertEqual(log.author_id, self.env.ref("base.partner_root"))
        item = self._thread()["items"][0]
        self.assertEqual((item["kind"], item["state_label"]), ("campaign", "Delivered"))

    def test_log_bodies_are_odoos_html_of_the_sms(self):
        """A log's body is what ``plaintext2html`` makes of the SMS: escaped,
        links clickable, lines and paragraphs kept."""
        for text in (
            "Hi Ann, thanks!",
            "Hi <Ann> & co\nSTOP to opt out",
            "Rate us: https://example.com/r/Ab1/m/4h9b0y5m4c4\nSTOP",
            "a http://x.io/p?q=1&r=2 and ftp://files.example.com/a b",
            "Two\n\nparagraphs http://x.io",
            "Windows\r\nlines",
            "line\n \nbreak with spaces",
            "謝謝 ขอบคุณ www.example.com",
            "",
        ):
            self.assertEqual(sms_html(text), plaintext2html(text), text)

    def test_campaign_logs_equal_odoos(self):
        """The copies of Odoo's first log hold what Odoo writes for a log."""
        customers = self._create_us_customers("Copy", range(760, 763))
        orders = self.env["sale.order"].browse(
            [self._create_order(customer).id for customer in customers]
        )
        messages = self._messages_of(orders)
        self._materialise(messages)
        reference = self.customer_cn.sudo()._message_log_batch(
            bodies={self.customer_cn.id: "x"}, message_type="sms"
        )
        reference.sms_retention_kind = "campaign"
        own = {"id", "res_id", "body", "message_id", "date"}
        names = [
            name
            for name, field in reference._fields.items()
            if field.store and field.column_type and name not in own
        ]
        expected = reference.read(names)[0]
        del expected["id"]
        for model, records in (("res.partner", customers), ("sale.order", orders)):
            logs = self.env["mail.message"].search(
                [
                    ("model", "=", model),
                    ("res_id", "in", records.ids),
                    ("sms_retention_kind", "=", "campaign"),
                ]
            )
            self.assertEqual(len(logs), 3, model)
            for log in logs:
                values = log.read(names)[0]
                del values["id"]
                expected["model"] = model
                self.assertEqual(values, expected, model)
            self.assertEqual(
                sorted(logs.mapped("res_id")), sorted(records.ids), "one log each"
            )
        for order in orders:
            log = self._sms_logs(order)
            self.assertIn(order.name, log.body, "each log has its own text")

    def test_later_batches_copy_the_runs_first_log(self):
        """A run's later batches copy its first log of each model; when that
        log is gone (deleted, or its batch rolled back), Odoo writes one."""
        customers = self._create_us_customers("Batch", range(770, 776))
        orders = self.env["sale.order"].browse(
            [self._create_order(customer).id for customer in customers]
        )
        run = SendingRun(self.env)
        logs = self.env["mail.message"]
        for batch in (orders[:2], orders[2:4], orders[4:]):
            self._materialise(self._messages_of(batch), run)
            batch_logs = self.env["mail.message"].search(
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "in", batch.ids),
                    ("message_type", "=", "sms"),
                ]
            )
            self.assertEqual(sorted(batch_logs.mapped("res_id")), sorted(batch.ids))
            logs |= batch_logs
            if batch == orders[2:4]:
                template = self.env["mail.message"].browse(
                    run.settings.chatter_logs["sale.order"]
                )
                self.assertIn(template.res_id, orders[:2].ids, "the first log")
                template.unlink()
        self.assertNotIn(
            template.id,
            run.settings.chatter_logs.values(),
            "a new first log once the old one is gone",
        )
        self.assertEqual(len(logs.exists()), 5)

    def test_a_failed_campaign_sms_says_why_in_the_thread(self):
        order = self._create_order(self.customer_us)
        message = self._messages_of(order)
        self._materialise(message)
        self.assertEqual(len(self._sms_logs(order)), 1)
        tracker = self.env["sms.tracker"].search([("sms_uuid", "=", message.sms_uuid)])
        tracker._action_update_from_provider_error("not_delivered")
        self.assertEqual(message.state, "failed")
        item = self._thread()["items"][0]
        self.assertEqual(item["kind"], "campaign")
        self.assertIn("Failed", item["state_label"])

    def test_chatter_logs_keep_a_constant_number_of_queries_per_batch(self):
        """Materialise and send: the same count for 10 and 40 order SMS
        (logged on the customer and on the order), after a first batch."""
        counts = {}
        for size, start in ((3, 700), (10, 710), (40, 730)):
            customers = self._create_us_customers("Logged", range(start, start + size))
            orders = self.env["sale.order"].create(
                [
                    {
                        "partner_id": customer.id,
                        "company_id": self.company.id,
                        "user_id": self.salesperson.id,
                        "order_line": [(0, 0, {"product_id": self.product.id})],
                    }
                    for customer in customers
                ]
            )
            messages = self.campaign._enqueue(orders)
            self.assertEqual(len(messages), size)
            counts[size] = self._send_counting_queries(messages)
            self.assertEqual(set(messages.mapped("state")), {"sent"})
            logs = self.env["mail.message"].search(
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "in", orders.ids),
                    ("message_type", "=", "sms"),
                ]
            )
            self.assertEqual(len(logs), size)
        self.assertEqual(counts[10], counts[40], counts)

    def test_auto_replies_and_consent_changes_are_logged(self):
        order, _message = self._sent_review()
        stop = self._receive("STOP")
        self.assertEqual(stop.auto_reply, "stop")
        self.assertEqual(
            (stop.handle_state, stop.handled_by_id.id),
            ("handled", self.env.ref("base.user_root").id),
            "the system handled it",
        )
        for record in (self.customer_us, order):
            confirmation = self._sms_logs(record).filtered(
                lambda m: m.sms_retention_kind == "auto_reply"
            )
            self.assertEqual(len(confirmation), 1, record)
            self.assertEqual(confirmation.notification_ids.notification_status, "sent")
            note = record.message_ids.filtered(
                lambda m: "SMS consent" in (m.body or "")
            )
            self.assertEqual(len(note), 1, record)
            self.assertIn("Unknown → Opted out (Reply keyword): “STOP”", note.body)
        self.customer_us.sms_retention_consent = "opted_in"
        notes = self.customer_us.message_ids.filtered(
            lambda m: "SMS consent" in (m.body or "")
        )
        self.assertEqual(len(notes), 2)
        self.assertIn("Opted out → Opted in (Form)", notes[0].body)

    def test_sms_with_a_link_is_sent_as_written(self):
        """Regression: posting through ``_message_sms`` sent the text of the
        logged HTML, with a footnote for each link."""
        self._thread_send("Track it here: https://track.example/42")
        self.assertSandboxOutbox(NUMBER, "Track it here: https://track.example/42")
        log = self._sms_logs(self.customer_us)
        self.assertIn('href="https://track.example/42"', log.body)

    # THE THREAD ------------------------------------------------------------

    def _thread_send(self, body, user=None):
        partner = self.customer_us.with_user(user or self.salesperson)
        with self.mock_sms_providers():
            return partner.with_company(self.company).sms_retention_thread_send(body)

    def test_thread_links_only_to_records_the_user_may_open(self):
        """Regression: the thread linked to an order of another salesperson,
        which the user could not open (an access error)."""
        colleague = self.salesperson.copy(
            {"login": "colleague.seller", "name": "Colleague"}
        )
        order = self._create_order(self.customer_us, user=colleague)
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual(self._messages_of(order).state, "sent")
        item = self._thread()["items"][0]
        self.assertEqual(item["kind"], "campaign")
        self.assertFalse(item["source"], "the salesperson may not open the order")
        item = self._thread(user=colleague)["items"][0]
        self.assertEqual(item["source"]["id"], order.id)

    def test_thread_reads_every_sms_in_time_order_with_states_in_words(self):
        with freeze_time("2026-03-02 15:00:00"):
            order, _message = self._sent_review()
        with freeze_time("2026-03-02 15:05:00"):
            reply = self._receive("HELP")
        with freeze_time("2026-03-02 15:07:00"):
            self._receive("Where is my parcel?")
        with freeze_time("2026-03-02 15:10:00"):
            data = self._thread_send("On its way!")
        self.campaign.delay = 2
        scheduled = self._messages_of(self._create_order(self.customer_us))
        self.assertEqual(scheduled.state, "scheduled")
        items = self._thread()["items"]
        self.assertEqual(
            [(item["kind"], item["state_label"]) for item in items],
            [
                ("campaign", "Delivered"),
                ("reply", "Received"),
                ("auto_reply", "Delivered"),
                ("reply", "Received"),
                ("direct", "Delivered"),
                ("campaign", "Scheduled"),
            ],
        )
        first = items[0]
        self.assertEqual(first["campaign"], self.campaign.name)
        self.assertEqual(
            first["source"], {"model": "sale.order", "id": order.id, "name": order.name}
        )
        self.assertEqual(items[1]["inbound"]["id"], reply.id)
        self.assertEqual(items[1]["inbound"]["classification_label"], "Help")
        self.assertEqual(items[2]["kind_label"], "Automatic answer")
        self.assertEqual(items[4]["author"], self.salesperson.name)
        self.assertEqual(items[4]["body"], "On its way!")
        self.assertEqual(data["partner"]["consent"], "unknown")

    def test_failures_and_skips_say_why(self):
        order = self._create_order(self.customer_us)
        message = self._messages_of(order)
        self._materialise(message)
        tracker = self.env["sms.tracker"].search([("sms_uuid", "=", message.sms_uuid)])
        self.assertEqual(self._thread()["items"][0]["state_label"], "Sending")
        tracker._action_update_from_provider_error("not_delivered")
        item = self._thread()["items"][0]
        self.assertEqual(
            (item["state_label"], item["failure"]), ("Failed", "Not Delivered")
        )
        self.customer_us.sms_retention_consent = "opted_out"
        skipped = self.campaign._enqueue(
            self._create_order(self.customer_us, confirm=False)
        )
        self._materialise(skipped)
        self.assertEqual(skipped.state, "skipped")
        item = self._thread()["items"][-1]
        self.assertEqual(
            (item["state_label"], item["failure"]), ("Not sent", "No consent")
        )

    def test_answer_box_knows_consent_and_sending_hours(self):
        self.company.write(
            {"sms_retention_quiet_start": 8.0, "sms_retention_quiet_end": 21.0}
        )
        with freeze_time("2026-03-02 03:00:00"):  # 22:00 in New York
            data = self._thread()
        self.assertFalse(data["cannot_send"])
        self.assertIn("outside sending hours", data["hours_warning"])
        self.assertEqual(data["segments"]["capacity"]["GSM-7"], [160, 153])
        self.assertIn("€", data["segments"]["gsm7_extension"])
        self.customer_us.sms_retention_consent = "opted_out"
        data = self._thread()
        self.assertIn("opted out", data["cannot_send"])
        self.assertFalse(data["hours_warning"])
        with self.assertRaises(UserError):
            self._thread_send("Are you there?")
        self.assertNoOutbox(NUMBER)

    def test_answering_in_the_thread_handles_the_customer_replies(self):
        self._sent_review()
        first = self._receive("Where is my parcel?")
        second = self._receive("Hello?")
        other = self._receive("Hi", number="+86 138 0013 8001")
        self.assertEqual((first | second | other).mapped("handle_state"), ["todo"] * 3)
        with freeze_time("2026-03-02 15:10:00"):
            self._thread_send("It left today.")
        self.assertSandboxOutbox(NUMBER, "It left today.")
        self.assertEqual((first | second).mapped("handle_state"), ["handled"] * 2)
        self.assertEqual(first.handled_by_id, self.salesperson)
        self.assertEqual(str(first.handled_at), "2026-03-02 15:10:00")
        self.assertEqual(other.handle_state, "todo")
        log = self._sms_logs(self.customer_us).filtered(
            lambda m: m.sms_retention_kind == "direct"
        )
        self.assertEqual(log.author_id, self.salesperson.partner_id)
        with self.assertRaises(UserError):
            self._thread_send("   ")

    def test_salesperson_marks_replies_handled_or_to_do(self):
        self._sent_review()
        reply = self._receive("The box arrived damaged, I complain")
        self.assertEqual(reply.classification, "complaint")
        self.assertIn("sms_retention.thread", reply.activity_id.note)
        reply_as_seller = reply.with_user(self.salesperson)
        reply_as_seller.action_mark_handled()
        self.assertEqual(
            (reply.handle_state, reply.handled_by_id), ("handled", self.salesperson)
        )
        reply_as_seller.action_mark_todo()
        self.assertEqual((reply.handle_state, reply.handled_by_id.id), ("todo", False))
        action = reply_as_seller.action_open_thread()
        self.assertEqual(
            (action["tag"], action["params"]["inbound_id"]),
            ("sms_retention.thread", reply.id),
        )
        unmatched = self._receive("Who is this?", number="+1 212 555 0999")
        with self.assertRaises(UserError):
            unmatched.action_open_thread()

    def test_reply_filters(self):
        self._sent_review()
        mine = self._receive("Where is my parcel?")
        stop = self._receive("STOP")
        unmatched = self._receive("Who is this?", number="+1 212 555 0999")
        inbound = self.env["sms.retention.inbound"].with_user(self.salesperson)
        view = self.env.ref("sms_retention.sms_retention_inbound_view_search")
        filters = {
            node.get("name"): node.get("domain")
            for node in etree.fromstring(view.arch).iter("filter")
        }

        def search(name):
            domain = safe_eval(filters[name], {"uid": self.salesperson.id})
            return inbound.search(
                domain + [("id", "in", (mine | stop | unmatched).ids)]
            )

        self.assertEqual(search("my_customers"), mine | stop)
        self.assertEqual(search("todo"), mine | unmatched)
        self.assertEqual(search("stop"), stop)
        self.assertEqual(search("unmatched"), unmatched)

    def test_assigned_salesperson_is_notified_without_following(self):
        self._sent_review()
        self.assertNotIn(
            self.salesperson.partner_id, self.customer_us.message_partner_ids
        )
        self._receive("Where is my parcel?")
        posted = self.customer_us.message_ids.filtered(
            lambda m: "Where is my parcel?" in (m.body or "")
        )
        self.assertEqual(
            posted.notification_ids.filtered(
                lambda n: n.notification_type == "inbox"
            ).res_partner_id,
            self.salesperson.partner_id,
        )

    # ORDER, LINKS, LIVE CHANNEL --------------------------------------------

    def test_order_sms_button_counts_and_opens_the_thread(self):
        order, _message = self._sent_review()
        self._receive("Thanks")
        order_as_seller = order.with_user(self.salesperson)
        self.assertEqual(order_as_seller.sms_retention_sms_count, 2)
        action = order_as_seller.action_open_sms_thread()
        self.assertEqual(action["context"]["active_id"], self.customer_us.id)
        self.assertEqual(
            self.customer_us.action_open_sms_replies()["tag"], "sms_retention.thread"
        )

    def test_thread_channel_is_granted_to_readers_only(self):
        websocket = self.env["ir.websocket"]
        name = f"sms_retention_thread:{self.customer_us.id}"
        channels = websocket.with_user(self.salesperson)._sms_retention_thread_channels(
            [name, "other", f"sms_retention_thread:{self.customer_us.id}x"]
        )
        self.assertEqual(channels, [(self.customer_us, "sms_retention_thread")])
        portal = self.env["res.users"].create(
            {
                "name": "Portal",
                "login": "thread.portal",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        self.assertFalse(
            websocket.with_user(portal)._sms_retention_thread_channels([name])
        )

    def test_all_sms_list_opens_the_thread(self):
        self._sent_review()
        reply = self._receive("Thanks")
        rows = self.env["sms.retention.conversation"].search(
            [("partner_id", "=", self.customer_us.id)]
        )
        actions = [row.with_user(self.salesperson).action_open_thread() for row in rows]
        self.assertEqual(
            {action["params"]["inbound_id"] for action in actions}, {False, reply.id}
        )
        self.assertEqual(
            {action["context"]["active_id"] for action in actions},
            {self.customer_us.id},
        )

    def test_scheduled_sms_is_not_a_sent_sms(self):
        self.campaign.delay = 2
        order = self._create_order(self.customer_us)
        self.assertEqual(self._messages_of(order).state, "scheduled")
        row = self.env["sms.retention.conversation"].search(
            [("partner_id", "=", self.customer_us.id)]
        )
        self.assertEqual(row.state, "scheduled")
        self.assertFalse(self._sms_logs(self.customer_us), "logged when sent")
