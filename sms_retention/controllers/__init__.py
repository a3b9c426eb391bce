from . import main
from . import optout
