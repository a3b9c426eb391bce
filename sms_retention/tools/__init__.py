from . import cron
from . import phone
from . import sms_api_sandbox
