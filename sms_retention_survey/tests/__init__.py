from . import test_install
from . import test_reporting
from . import test_score_routing
from . import test_sms_question
from . import test_sms_ready
from . import test_survey_flow
from . import test_reply_comment
from . import test_ui_tour_build_campaign
