# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
import uuid

from odoo.tests import BaseCase, tagged

from ..tools.sms_uuid import new_sms_uuid, new_sms_uuids

ODOO_UUID = re.compile(r"^[0-9a-f]{32}$")


@tagged("post_install", "-at_install")
class TestSmsUuid(BaseCase):
    def test_version_7_in_odoo_format(self):
        value = new_sms_uuid()
        self.assertRegex(value, ODOO_UUID)
        parsed = uuid.UUID(value)
        self.assertEqual(parsed.version, 7)
        self.assertEqual(parsed.variant, uuid.RFC_4122)

    def test_starts_with_the_time_in_milliseconds(self):
        at_ns = 1_795_000_000_123_456_789
        value = new_sms_uuid(now_ns=at_ns)
        self.assertEqual(int(value[:12], 16), at_ns // 1_000_000)

    def test_later_sorts_after_and_same_millisecond_differs(self):
        at_ns = 1_795_000_000_000_000_000
        first, second = new_sms_uuid(at_ns), new_sms_uuid(at_ns)
        self.assertNotEqual(first, second)
        self.assertEqual(first[:12], second[:12])
        self.assertLess(max(first, second), new_sms_uuid(at_ns + 1_000_000))

    def test_many_at_once_are_distinct_version_7(self):
        """A batch's uuids come from one read of the random source: all
        distinct, version 7, with the batch's time."""
        at_ns = 1_795_000_000_123_456_789
        values = new_sms_uuids(2000, now_ns=at_ns)
        self.assertEqual(len(set(values)), 2000)
        for value in values[::97]:
            self.assertRegex(value, ODOO_UUID)
            parsed = uuid.UUID(value)
            self.assertEqual((parsed.version, parsed.variant), (7, uuid.RFC_4122))
            self.assertEqual(int(value[:12], 16), at_ns // 1_000_000)
        self.assertEqual(new_sms_uuids(0), [])
