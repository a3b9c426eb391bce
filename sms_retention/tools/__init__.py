from . import db
from . import cron
from . import phone
from . import sms_api_sandbox
from . import segments
from . import send_window
from . import variants
from . import reply_parser
