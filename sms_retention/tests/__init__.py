from . import test_install
from . import test_phone
from . import test_provider_routing
from . import test_review_slice
from . import test_inbound
from . import test_partner_retention
