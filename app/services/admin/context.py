"""One admin run: the clients, the Identity Center instance (found on first need), and the
caches that make every name and description a single request per run, however many
threads ask for it at once."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from app.admin_models import AdminInstance
from app.services.admin.clients import AdminClients, open_clients
from app.services.errors import AmbiguousInstance, Cancelled, ConfigError, InstanceNotFound

T = TypeVar("T")
INSTANCE_ID = re.compile(r"(sso)?ins-[a-zA-Z0-9-.]{16}")
INSTANCE_ARN = re.compile(r"arn:aws[a-z-]*:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}")
IDENTITY_STORE_ID = re.compile(r"d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Memo:
    """Values fetched at most once per key; concurrent askers wait for the one fetch.
    A failure is remembered too (a name not found stays not found for the run)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[Hashable, Future] = {}

    def get(self, key: Hashable, fetch: Callable[[], T]) -> T:
        """A fetch given up (``Cancelled``) is not remembered: whoever asks next fetches
        again, and one that was waiting for it fetches itself."""
        while True:
            with self._lock:
                future = self._futures.get(key)
                owner = future is None
                if owner:
                    future = self._futures[key] = Future()
            assert future is not None
            if owner:
                try:
                    future.set_result(fetch())
                except Cancelled as error:
                    with self._lock:
                        if self._futures.get(key) is future:
                            del self._futures[key]
                    future.set_exception(error)
                    raise
                except BaseException as error:
                    future.set_exception(error)
            try:
                return future.result()
            except Cancelled:
                continue  # the fetch waited for was given up by the work that made it

    def put(self, key: Hashable, value: Any) -> None:
        """Remember a value a listing brought along (a user from ListUsers, say)."""
        with self._lock:
            if key not in self._futures:
                future: Future = Future()
                future.set_result(value)
                self._futures[key] = future


class AdminContext:
    """Clients plus the instance and identity store, given or looked up once (ListInstances)."""

    def __init__(self, clients: AdminClients, *, instance_arn: str | None = None, identity_store_id: str | None = None) -> None:
        self.clients = clients
        self.memo = Memo()
        self._instance_arn = normalize_instance_arn(instance_arn, clients.partition) if instance_arn else None
        if identity_store_id and not IDENTITY_STORE_ID.fullmatch(identity_store_id):
            raise ConfigError(f"--identity-store-id {identity_store_id!r} is not an identity store ID (d-xxxxxxxxxx)")
        self._identity_store_id = identity_store_id or None

    @property
    def instance(self) -> AdminInstance:
        if self._instance_arn and self._identity_store_id:
            return AdminInstance(self._instance_arn, self._identity_store_id)
        return self.memo.get("instance", self._find_instance)

    def _find_instance(self) -> AdminInstance:
        listed = [
            AdminInstance(item["InstanceArn"], item["IdentityStoreId"], item.get("Name") or "", item.get("OwnerAccountId") or "")
            for item in self.clients.pages("sso-admin", "list_instances", "Instances", "listing Identity Center instances")
        ]
        where = f"region {self.clients.region}"
        if self._instance_arn:
            found = [i for i in listed if i.arn == self._instance_arn]
            if not found:
                raise InstanceNotFound(f"instance {self._instance_arn} is not visible to these credentials in {where}")
        elif self._identity_store_id:
            found = [i for i in listed if i.identity_store_id == self._identity_store_id]
            if not found:
                raise InstanceNotFound(f"no Identity Center instance with identity store {self._identity_store_id} in {where}")
        else:
            found = listed
        if not found:
            raise InstanceNotFound(
                f"no Identity Center instance visible to these credentials in {where} (use the management or "
                "delegated administrator account, the instance's --region, or --instance-arn)"
            )
        if len(found) > 1:
            raise AmbiguousInstance(f"{len(found)} Identity Center instances in {where}; choose one with --instance-arn: {', '.join(i.arn for i in found)}")
        return found[0]


def normalize_instance_arn(value: str, partition: str = "aws") -> str:
    """An instance ARN from an ARN or a bare ``ssoins-...`` ID (in the region's partition)."""
    text = value.strip()
    if INSTANCE_ID.fullmatch(text):
        return f"arn:{partition}:sso:::instance/{text}"
    if INSTANCE_ARN.fullmatch(text):
        return text
    raise ConfigError(f"--instance-arn {value!r} is not an Identity Center instance ARN or ID (ssoins-...)")


@dataclass(frozen=True)
class AdminSource:
    """Ordinary AWS credentials for an admin run (a profile, or botocore's chain), the
    instance's region and rate, and the instance when it is named."""

    profile: str | None = None
    region: str | None = None
    max_rps: float | None = None
    instance_arn: str | None = None
    identity_store_id: str | None = None

    def open(self) -> AdminContext:
        """The run's context; missing credentials or region, and malformed IDs, fail here,
        before any request."""
        clients = open_clients(profile=self.profile, region=self.region, max_rps=self.max_rps)
        return AdminContext(clients, instance_arn=self.instance_arn, identity_store_id=self.identity_store_id)
