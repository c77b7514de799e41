"""The seed workflow (create_l2vpn) on orchestrator-core, written the way its callback
documentation shows it: an action step that asks the runner (LSO) for a playbook run and hands
it the callback URL, `callback_step` pairing it with a validation step, and an `inputstep`
confirmation of the results before the subscription is set active. The step bodies do the same
work as Baton's and the DBOS/Restate versions (bench/engines/l2vpn-steps.ts)."""

import json
import os
from uuid import uuid4

import httpx
from orchestrator.core.config.assignee import Assignee
from orchestrator.core.forms import FormPage
from orchestrator.core.targets import Target
from pydantic_forms.types import FormGenerator, State
from orchestrator.core.utils.errors import ProcessFailureError
from orchestrator.core.workflow import begin, callback_step, done, inputstep, step, workflow
from pydantic_forms.validators import LongText

LSO_URL = os.environ["LSO_URL"]
PUBLIC_URL = os.environ["PUBLIC_URL"]
# One client for the process: a connection per playbook request would measure the TCP handshake.
lso = httpx.Client(timeout=10)


def l2vpn_input_form() -> FormGenerator:
    class L2vpnInput(FormPage):
        customer: str
        vlan: int
        site_a: str
        interface_a: str
        site_b: str
        interface_b: str

    user_input = yield L2vpnInput
    return user_input.model_dump()


@step("Construct L2VPN model")
def construct_model(customer: str, vlan: int, site_a: str, interface_a: str, site_b: str, interface_b: str) -> State:
    subscription = {
        "subscription_id": str(uuid4()),
        "status": "initial",
        "description": f"L2VPN {site_a}:{interface_a} - {site_b}:{interface_b} vlan {vlan} for {customer}",
        "saps": [
            {"node": site_a, "port": interface_a, "vlan": vlan},
            {"node": site_b, "port": interface_b, "vlan": vlan},
        ],
    }
    return {"subscription": subscription}


@step("Store process subscription")
def store_process_subscription(subscription: dict) -> State:
    return {"subscription": {**subscription, "status": "provisioning"}}


@step("Execute an ansible playbook")
def call_ansible_playbook(subscription: dict, callback_route: str, process_id: str) -> State:
    port_a, port_b = subscription["saps"]
    callback_url = f"{PUBLIC_URL}{callback_route}"
    parameters = {
        "playbook_name": "playbook.yml",
        "inventory": f"{port_a['node']}\n{port_b['node']}",
        "extra_vars": {
            "vlan": port_a["vlan"],
            "SiteA": port_a["node"],
            "interfaceA": port_a["port"],
            "SiteB": port_b["node"],
            "interfaceB": port_b["port"],
            "process_id": str(process_id),
        },
        "callback": callback_url,
    }
    response = lso.post(f"{LSO_URL}/api/playbook/", json=parameters)
    response.raise_for_status()
    return {"job_id": response.json()["job_id"]}


@step("Evaluate callback result")
def evaluate_callback_results(callback_result: dict) -> State:
    if callback_result["return_code"] != 0:
        raise ProcessFailureError(message="Callback failure", details=callback_result)
    return {"callback_result": callback_result}


@inputstep("Confirm provisioning proxy results", assignee=Assignee("SYSTEM"))
def show_callback_results(state: State) -> FormGenerator:
    if "callback_result" not in state:
        return state

    class ConfirmRunPage(FormPage):
        run_status: str = state["callback_result"]["status"]
        run_results: LongText = json.dumps(state["callback_result"], indent=4)

    yield ConfirmRunPage
    return state


@step("Set status active")
def set_status_active(subscription: dict) -> State:
    return {"subscription": {**subscription, "status": "active"}}


def callback_interaction(provisioning_step):
    return (
        begin
        >> callback_step(
            name=provisioning_step.name,
            action_step=provisioning_step,
            validate_step=evaluate_callback_results,
            result_key="callback_result",
        )
        >> show_callback_results
    )


@workflow(initial_input_form=l2vpn_input_form, target=Target.CREATE)
def create_l2vpn():
    return (
        begin
        >> construct_model
        >> store_process_subscription
        >> callback_interaction(call_ansible_playbook)
        >> set_status_active
        >> done
    )
