"""`python -m aiom4b_tui` does what the `aiom4b` command does."""

import sys

from aiom4b_tui.cli import main

sys.exit(main())
