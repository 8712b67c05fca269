import sys

from cds_analysis.cli import main

sys.exit(main())
