from . import sms_retention_simulate_reply
from . import sms_retention_mark_lost
from . import sms_retention_reply
from . import base_partner_merge_automatic_wizard
from . import sms_retention_campaign_test
