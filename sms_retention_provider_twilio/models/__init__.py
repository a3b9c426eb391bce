from . import res_company
from . import res_config_settings
from . import sms_retention_country_rule
from . import sms_retention_twilio_attempt
from . import sms_retention_twilio_sender
from . import sms_sms
