from . import sms_retention_twilio_wizard
from . import sms_retention_twilio_wizard_number
