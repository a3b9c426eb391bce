from . import survey_question
from . import survey_survey
from . import survey_user_input
from . import sms_retention_campaign
from . import sms_retention_message
from . import sms_retention_inbound
from . import res_partner
