"""``python -m verify`` is the ``verify`` command."""

from verify.cli import main

raise SystemExit(main())
