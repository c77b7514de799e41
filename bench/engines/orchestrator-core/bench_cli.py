"""orchestrator-core's own CLI (as its getting-started `main.py`), for `db init` and
`db upgrade heads`, plus `register-workflow`: the row the engine needs in `workflows` before a
process of create_l2vpn can start (what a project's workflow migration would insert)."""

import sys

from nwastdlib.logging import initialise_logging
from orchestrator.core import app_settings
from orchestrator.core.cli.main import app as core_cli
from orchestrator.core.db import init_database
from orchestrator.core.log_config import LOGGER_OVERRIDES
from sqlalchemy import create_engine, text


def register_workflow() -> None:
    engine = create_engine(str(app_settings.DATABASE_URI.get_secret_value()))
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workflows (name, target, is_task, description)"
                " VALUES ('create_l2vpn', 'CREATE', false, 'Create an L2VPN (Baton bench)')"
                " ON CONFLICT DO NOTHING"
            )
        )


if __name__ == "__main__":
    if sys.argv[1:] == ["register-workflow"]:
        register_workflow()
    else:
        initialise_logging(LOGGER_OVERRIDES)
        init_database(app_settings)
        core_cli()
