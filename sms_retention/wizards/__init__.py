from . import sms_retention_simulate_reply
