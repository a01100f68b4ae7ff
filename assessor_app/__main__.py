from assessor_app.cli import main

raise SystemExit(main())
