"""``python -m irt_elo`` runs the command line."""
import sys

from irt_elo.cli import main

sys.exit(main())
