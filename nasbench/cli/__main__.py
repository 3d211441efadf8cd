"""`python -m nasbench.cli`: the `nasbench` command."""

from nasbench.cli.main import main

raise SystemExit(main())
