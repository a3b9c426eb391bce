from . import test_install
from . import test_multi_company
from . import test_settings
from . import test_ui_tours
from . import test_i18n
