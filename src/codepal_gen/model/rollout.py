"""How the application services are rolled out: the one place that names their Deployments.

With ``kubernetes.blue_green.enabled`` every app service runs as two Deployments,
``<service>-blue`` and ``<service>-green``, told apart by the :data:`SLOT_LABEL`
pod label; the service's Service selects the live slot. Otherwise each service is
one Deployment named after it, updated in place (rolling update).

The Kubernetes output (:mod:`.kubernetes`), the deploy and rollback scripts
(:mod:`.scripts`) and the GitHub deploy job (:mod:`.github`) all ask this module,
so the names the scripts ``kubectl`` and the names the manifests create cannot
drift apart. Helpers only (no ``build``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SLOT_LABEL = "codepal.com/slot"
SLOTS = ("blue", "green")
BLUE_GREEN_SCRIPT = "production-deployment"
ROLLING_SCRIPT = "rolling-deployment"


@dataclass(frozen=True)
class Rollout:
    """The deployment strategy of one environment."""

    blue_green: bool
    live_slot: str

    @property
    def slots(self) -> tuple[str, ...]:
        """The slots each service runs in; ``("",)`` (one unnamed slot) without blue-green."""
        return SLOTS if self.blue_green else ("",)

    @property
    def script(self) -> str:
        """Base name of the script that deploys a new image tag."""
        return BLUE_GREEN_SCRIPT if self.blue_green else ROLLING_SCRIPT

    def deployment(self, service: str, slot: str) -> str:
        """Name of the Deployment running ``service`` in ``slot``."""
        if slot not in self.slots:
            raise ValueError(f"{slot!r} is not a slot of this rollout ({', '.join(self.slots)})")
        return f"{service}-{slot}" if slot else service

    def deployments(self, service: str) -> dict[str, str]:
        """slot -> Deployment name, for every slot of ``service``."""
        return {slot: self.deployment(service, slot) for slot in self.slots}

    def slot_labels(self, slot: str) -> dict[str, str]:
        """The labels that tell a slot's pods apart (none without blue-green)."""
        return {SLOT_LABEL: slot} if slot else {}

    def service_selector(self) -> dict[str, str]:
        """What a Service adds to its selector to reach only the live slot."""
        return self.slot_labels(self.live_slot if self.blue_green else "")


def rollout(config: Mapping[str, Any]) -> Rollout:
    setting = config["kubernetes"]["blue_green"]
    return Rollout(bool(setting["enabled"]), str(setting["live_slot"]))
