from . import sms_retention_campaign
from . import stock_picking
