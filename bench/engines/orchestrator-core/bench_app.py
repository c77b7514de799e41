"""The orchestrator-core application the bench serves with uvicorn (`bench_app:app`): the stock
OrchestratorCore with the seed workflow registered. Configured by environment only
(DATABASE_URI, EXECUTOR=threadpool, OAUTH2_ACTIVE=False, LOG_LEVEL=WARNING, ...)."""

from orchestrator.core import OrchestratorCore
from orchestrator.core.settings import app_settings
from orchestrator.core.workflows import LazyWorkflowInstance

LazyWorkflowInstance("l2vpn_workflow", "create_l2vpn")

app = OrchestratorCore(base_settings=app_settings)
