"""What you can do with the role under the cursor, for the roles screen.

Each action that needs the network (role credentials, a console sign-in) runs in a thread
worker and posts its outcome; the clipboard, the browser and the shell are the app's seams.
Every failure becomes a notification worded for the app: a session that needs a sign-in
says which key signs in, never which command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from app.models import Role
from app.printable import printable
from app.services import settings
from app.services.errors import Cancelled, LoginRequired, SsodeckError

if TYPE_CHECKING:
    from app.services.targets import Target
    from app.models import Instance, RoleCredentials
    from app.screens.destination import ConsoleChoice


# (action, what it does, its key): the menu, the command palette and the help list these.
ROLE_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("console", "Open the AWS console (choose a service and region)", "o"),
    ("console_url", "Copy a console sign-in URL", "u"),
    ("copy_env", "Copy export lines for the role's credentials", "e"),
    ("copy_json", "Copy the credentials as credential_process JSON", "J"),
    ("shortcut", "Copy the access-portal shortcut link", "s"),
    ("shell", "Open a shell as the role", "x"),
    ("write_profile", "Write a profile for the role into ~/.aws/config", "w"),
    ("favourite", "Mark or unmark as a favourite", "f"),
    ("explore", "Explore assignments as this role (needs admin rights)", "a"),
)


def _url_what(role: Role) -> str:
    return f"the console sign-in URL for {role.role_name} (it works once, within 15 minutes)"


def failure_text(error: SsodeckError) -> str:
    """An error in the app's words: what failed, and the key that fixes it when there is one."""
    if isinstance(error, LoginRequired):
        return f"{error}. Press l to sign in again."
    return str(error)


class RoleActions:
    """Mixed into the roles screen, which provides ``instance``, the tree and ``_rebuild``."""

    instance: Instance

    class Copy(Message):
        def __init__(self, text: str, what: str) -> None:
            super().__init__()
            self.text, self.what = text, what

    class OpenUrl(Message):
        """A console sign-in URL (a secret) to open for ``role``."""

        def __init__(self, url: str, role: Role) -> None:
            super().__init__()
            self.url, self.role = url, role

    class Shell(Message):
        def __init__(self, role: Role, credentials: RoleCredentials) -> None:
            super().__init__()
            self.role, self.credentials = role, credentials

    class Failed(Message):
        def __init__(self, error: SsodeckError) -> None:
            super().__init__()
            self.error = error

    # -- helpers -----------------------------------------------------------------------

    def _role(self) -> Role | None:
        from app.widgets.role_tree import RoleTree

        role = self.query_one(RoleTree).current_role  # type: ignore[attr-defined]
        if role is None:
            self.notify("Move to a role first (a group has no credentials).", severity="warning")  # type: ignore[attr-defined]
        return role

    def _target(self, role: Role, region: str | None = None) -> Target:
        from app.services.targets import Target

        return Target(self.instance, role.account_id, role.role_name, region or self._region())

    def _region(self) -> str:
        # Imported when first used: the planning modules behind it cost the app's first frame.
        from app.services.profile_setup import default_region

        return default_region(self.instance)

    def _token(self):  # noqa: ANN202 - a token source for the services
        from app.services.auth import get_token  # sign-in code: loaded after the first frame, in a worker

        return get_token(self.instance).token

    def _credentials(self, role: Role) -> RoleCredentials:
        from app.services.credentials import get_role_credentials

        return get_role_credentials(self.instance, role.account_id, role.role_name, token_source=self._token)

    def _used(self, role: Role) -> None:
        """Remember the role as recently used (shown first next time, not while you work)."""
        try:
            settings.record_recent(self.instance, (role.account_id, role.role_name))
        except SsodeckError:
            pass  # remembering recent roles is a nicety; a read-only config dir must not fail the action

    @work(thread=True, exit_on_error=False, group="actions")
    def _in_worker(self, job: Callable[[], Message | None]) -> None:
        from app.screens.worker_errors import worker_cancelled
        from app.services.ratelimit import cancelled_by

        try:
            with cancelled_by(worker_cancelled()):  # its requests' retries end when the app closes
                message = job()
        except Cancelled:
            return
        except SsodeckError as error:
            message = self.Failed(error)
        if message is not None:
            self.post_message(message)  # type: ignore[attr-defined]

    # -- the actions -------------------------------------------------------------------

    def action_menu(self) -> None:
        """Every action for the role in one list (Enter on a role)."""
        from app.screens.action_menu import ActionMenuScreen

        role = self._role()
        if role is not None:
            self.app.push_screen(ActionMenuScreen(role, ROLE_ACTIONS), lambda action: self.run_action(action) if action else None)  # type: ignore[attr-defined]

    def action_copy_env(self) -> None:
        from app.services.environment import render_exports  # the actions' helpers load when first used, not before the first frame

        role = self._role()
        if role is not None:
            region = self._region()
            self._in_worker(lambda: self.Copy(render_exports(self._credentials(role), region, "sh"), f"export lines for {role.role_name}"))
            self._used(role)

    def action_copy_json(self) -> None:
        from app.services.process_output import credential_json

        role = self._role()
        if role is not None:
            self._in_worker(lambda: self.Copy(credential_json(self._credentials(role)), f"credential JSON for {role.role_name}"))
            self._used(role)

    def action_console(self, action: str = "open") -> None:
        from app.screens.destination import DestinationScreen

        role = self._role()
        if role is None:
            return
        remembered = self._remembered(role)
        screen = DestinationScreen(f"{role.role_name} in {role.account_name or role.account_id}",
                                   region=remembered.get("region") or self._region(), destination=remembered.get("destination"), action=action)  # fmt: skip
        self.app.push_screen(screen, lambda choice: self._console_chosen(role, choice))  # type: ignore[attr-defined]

    def action_console_url(self) -> None:
        self.action_console("copy")

    def _remembered(self, role: Role) -> dict:
        try:
            return settings.load(self.instance).console.get((role.account_id, role.role_name), {})
        except SsodeckError:
            return {}

    def _console_chosen(self, role: Role, choice: ConsoleChoice | None) -> None:
        if choice is None:
            return
        try:
            settings.remember_console((role.account_id, role.role_name), {"destination": choice.destination, "region": choice.region})
        except SsodeckError:
            pass
        from app.services import console_launch

        plan = console_launch.plan_launch(self._target(role, choice.region), destination=choice.destination)

        def launch() -> Message:
            url = console_launch.signin_url(plan, token_source=self._token)
            return self.OpenUrl(url, role) if choice.action == "open" else self.Copy(url, _url_what(role))

        self._in_worker(launch)
        self._used(role)

    def action_shortcut(self) -> None:
        role = self._role()
        if role is not None:
            from app.services.console_launch import shortcut_link

            link = shortcut_link(self._target(role))
            self.app.copy_text(link, f"the portal shortcut for {role.role_name}")  # type: ignore[attr-defined]

    def action_shell(self) -> None:
        role = self._role()
        if role is not None:
            self._in_worker(lambda: self.Shell(role, self._credentials(role)))
            self._used(role)

    def action_explore(self) -> None:
        from app.screens.explorer import ExplorerScreen, role_access

        role = self._role()
        if role is not None:
            self.app.push_screen(ExplorerScreen(role_access(self.instance, role, lambda: self._credentials(role))))  # type: ignore[attr-defined]
            self._used(role)

    def action_write_profile(self) -> None:
        from app.screens.profile_write import ProfileWriteScreen

        role = self._role()
        if role is not None:
            self.app.push_screen(ProfileWriteScreen(self.instance, role), self._profile_written)  # type: ignore[attr-defined]

    def _profile_written(self, name: str | None) -> None:
        if name:
            self.notify(f"Wrote profile {name} to your AWS config: try  aws sts get-caller-identity --profile {name}")  # type: ignore[attr-defined]

    def action_favourite(self) -> None:
        role = self._role()
        if role is None:
            return
        try:
            on = settings.toggle_favourite(self.instance, (role.account_id, role.role_name))
        except SsodeckError as error:
            self.notify(str(error), severity="error")  # type: ignore[attr-defined]
            return
        key = (role.account_id, role.role_name)
        self.favourites = self.favourites | {key} if on else self.favourites - {key}  # type: ignore[attr-defined]
        self._rebuild()  # type: ignore[attr-defined]
        self.notify(f"{role.role_name} in {role.account_name or role.account_id} {'is now a favourite' if on else 'is no longer a favourite'}.", timeout=3)  # type: ignore[attr-defined]

    # -- outcomes ----------------------------------------------------------------------

    # Handlers by name (on_role_actions_*): a mixin's @on handlers are not collected.
    def on_role_actions_copy(self, message: Copy) -> None:
        self.app.copy_text(message.text, message.what)  # type: ignore[attr-defined]
        self._tick()  # type: ignore[attr-defined]

    def on_role_actions_open_url(self, message: OpenUrl) -> None:
        role = message.role
        if self.app.seams.open_url(message.url):  # type: ignore[attr-defined]
            self.notify(f"Opened the AWS console as {role.role_name} in {role.account_name or role.account_id}.")  # type: ignore[attr-defined]
        else:
            self.notify("No web browser could be opened here, so the sign-in URL is copied instead.", severity="warning")  # type: ignore[attr-defined]
            self.app.copy_text(message.url, _url_what(role))  # type: ignore[attr-defined]
        self._tick()  # type: ignore[attr-defined]

    def on_role_actions_shell(self, message: Shell) -> None:
        import os

        from app.services.environment import child_environment

        app = self.app  # type: ignore[attr-defined]
        env = child_environment(os.environ, message.credentials, self._region())
        env["SSODECK_ROLE"] = f"{message.role.account_id}/{message.role.role_name}"
        role = message.role
        banner = printable(f"ssodeck: a shell as {role.role_name} in {role.account_name or role.account_id} ({role.account_id}); exit it to return.")
        try:
            code = app.seams.run_shell(app, [app.seams.shell], env, banner)
        except Exception as error:  # SuspendNotSupported, or no such shell
            self.notify(f"Could not start a shell here: {error}", severity="error")  # type: ignore[attr-defined]
            return
        self.notify(f"Back from the shell as {role.role_name} (exit {code}).", timeout=4)  # type: ignore[attr-defined]
        self._tick()  # type: ignore[attr-defined]

    def on_role_actions_failed(self, message: Failed) -> None:
        if isinstance(message.error, LoginRequired):  # the session is over, whatever its token said
            self.session_ended()  # type: ignore[attr-defined]
        self.notify(failure_text(message.error), severity="error", timeout=10)  # type: ignore[attr-defined]
