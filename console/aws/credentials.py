"""Where a profile's credentials come from, on top of botocore's own chain.

Everything the AWS CLI accepts (named profiles, SSO with the CLI's token cache,
assume-role chains with `source_profile`, `credential_process`, environment keys)
is botocore's job: a plain `AioSession(profile=...)` resolves it, and opsdeck does not
reimplement any of it. This module adds only what botocore cannot do for us:

- long-term keys kept in the OS keyring (service "opsdeck"), which take precedence
  over the files for their profile; never a plain-file fallback;
- MFA on a role profile (`mfa_serial`): botocore would prompt with `getpass` and block
  the event loop, so the caller asks for the code (a TUI modal, a terminal prompt) and
  `assume_role_with_mfa` calls STS AssumeRole itself.

Secrets live only in memory and in the keyring: `StaticKeys` hides them from repr, and
nothing here logs or writes them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiobotocore.session import AioSession

from console.aws.models_cache import share_service_models
from console.aws.timestamps import use_fast_timestamps
from console.clock import Clock

KEYRING_SERVICE = "opsdeck"
INDEX_ENTRY = "__opsdeck_profiles__"  # keyring entry listing the profiles with keys (names only)

NO_BACKEND_HELP = (
    "No usable OS keyring was found, so opsdeck cannot store keys (it never falls back to plain files). "
    "On Linux, install and unlock a Secret Service such as gnome-keyring or KeePassXC (with its Secret "
    "Service integration) in your desktop session; on macOS the Keychain and on Windows the Credential "
    "Locker are used automatically. Until then, use `aws configure` or SSO profiles."
)


class KeyringUnavailable(RuntimeError):
    """No keyring backend that keeps secrets off plain files; the message says what to install."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(NO_BACKEND_HELP + (f" ({detail})" if detail else ""))


class MfaCodeRequired(RuntimeError):
    """botocore wanted to prompt for an MFA code; opsdeck asks for it itself, first."""


@dataclass(frozen=True)
class StaticKeys:
    """A key pair (and token for temporary credentials); the secret never shows in repr."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)
    expiration: datetime | None = None
    source: str = "keyring"  # "keyring" (long-term, stored) or "mfa" (AssumeRole with a code)


@dataclass(frozen=True)
class RoleProfile:
    """The assume-role settings of one profile in ~/.aws/config."""

    name: str
    role_arn: str
    source_profile: str | None
    credential_source: str | None
    mfa_serial: str | None
    duration_seconds: int | None
    external_id: str | None
    role_session_name: str | None


def entry_name(profile: str | None) -> str:
    return profile or "default"


# keyring ------------------------------------------------------------------------------
def _plain_file_backend(backend: Any) -> bool:
    """keyrings.alt's file backends write secrets to a file in the home directory."""
    inner = getattr(backend, "backends", None)
    if inner is not None:  # keyring's ChainerBackend
        return any(_plain_file_backend(b) for b in inner)
    return type(backend).__module__.startswith("keyrings.alt.file")


def usable_keyring() -> Any:
    """The keyring backend, or KeyringUnavailable when it is missing or writes plain files."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise KeyringUnavailable()
    if getattr(backend, "backends", None) == []:
        raise KeyringUnavailable()
    if _plain_file_backend(backend):
        raise KeyringUnavailable(f"{type(backend).__module__} stores secrets in a plain file")
    return backend


def stored_profiles() -> list[str]:
    """Profiles that have keys in the keyring (names only). Raises KeyringUnavailable."""
    raw = usable_keyring().get_password(KEYRING_SERVICE, INDEX_ENTRY)
    try:
        names = json.loads(raw) if raw else []
    except ValueError:
        names = []
    return sorted({str(n) for n in names if isinstance(n, str)})


def _write_index(backend: Any, names: list[str]) -> None:
    if names:
        backend.set_password(KEYRING_SERVICE, INDEX_ENTRY, json.dumps(sorted(set(names))))
    else:
        try:
            backend.delete_password(KEYRING_SERVICE, INDEX_ENTRY)
        except Exception:  # keyring.errors.PasswordDeleteError: already gone
            pass


def store_keys(profile: str | None, access_key_id: str, secret_access_key: str) -> None:
    """Keep a long-term key pair for `profile` in the OS keyring."""
    access_key_id, secret_access_key = access_key_id.strip(), secret_access_key.strip()
    if not access_key_id or not secret_access_key:
        raise ValueError("both an access key id and a secret access key are needed")
    if any(c.isspace() for c in access_key_id + secret_access_key):
        raise ValueError("keys never contain spaces; was something else pasted?")
    backend = usable_keyring()
    name = entry_name(profile)
    backend.set_password(KEYRING_SERVICE, name, json.dumps(
        {"aws_access_key_id": access_key_id, "aws_secret_access_key": secret_access_key}))
    _write_index(backend, stored_profiles() + [name])


def remove_keys(profile: str | None) -> bool:
    """Forget `profile`'s stored keys; False when there were none."""
    backend = usable_keyring()
    name = entry_name(profile)
    names = stored_profiles()
    existed = backend.get_password(KEYRING_SERVICE, name) is not None
    if existed:
        backend.delete_password(KEYRING_SERVICE, name)
    _write_index(backend, [n for n in names if n != name])
    return existed or name in names


def stored_keys(profile: str | None) -> StaticKeys | None:
    """`profile`'s keys from the keyring; None when there are none or no keyring is usable."""
    try:
        raw = usable_keyring().get_password(KEYRING_SERVICE, entry_name(profile))
    except Exception:  # no backend, a locked keyring, D-Bus gone: fall back to botocore's chain
        return None
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return StaticKeys(str(data["aws_access_key_id"]), str(data["aws_secret_access_key"]))
    except (ValueError, KeyError, TypeError):
        return None


def keys_for(profile: str | None) -> StaticKeys | None:
    """Stored keys that should override the chain for `profile`.

    For the default chain (no profile) environment keys win, as in the AWS CLI: that is
    also how `opsdeck demo` and scripts point it at other keys.
    """
    if profile is None and os.environ.get("AWS_ACCESS_KEY_ID"):
        return None
    return stored_keys(profile)


# sessions -----------------------------------------------------------------------------
def available_profiles() -> list[str]:
    """Profiles botocore knows (config and credentials files) plus those with stored keys."""
    names = set(AioSession().available_profiles)
    try:
        names.update(stored_profiles())
    except Exception:
        pass
    return sorted(names)


def default_region(profile: str | None) -> str | None:
    """The region botocore would use for `profile`, or None (unknown profile, none set)."""
    from botocore.exceptions import BotoCoreError

    try:
        return AioSession(profile=profile).get_config_variable("region")
    except BotoCoreError:
        return None


def regions(service: str = "lambda") -> list[str]:
    """The public regions where `service` exists, from botocore's endpoint data."""
    import botocore.session

    return sorted(botocore.session.get_session().get_available_regions(service))


def _refuse_prompt(*_: Any, **__: Any) -> str:
    raise MfaCodeRequired("this profile needs an MFA code; opsdeck asks for it before connecting")


def build_session(profile: str | None, keys: StaticKeys | None = None) -> AioSession:
    """The AioSession for `profile`: static `keys` when given, else botocore's chain.

    botocore's own MFA prompt (getpass) is replaced by one that raises, so a forgotten
    MFA step can never freeze the event loop waiting on a hidden terminal prompt.
    """
    if keys is not None and profile is not None and profile not in AioSession().available_profiles:
        session = AioSession()  # a keyring-only profile: nothing about it in the files
    else:
        session = AioSession(profile=profile) if profile else AioSession()
    use_fast_timestamps(session)
    share_service_models(session)
    if keys is not None:
        session.set_credentials(keys.access_key_id, keys.secret_access_key, keys.session_token)
        return session
    try:
        provider = session.get_component("credential_provider").get_provider("assume-role")
        provider._prompter = _refuse_prompt
    except Exception:  # no such provider in this botocore: nothing would prompt
        pass
    return session


# MFA ----------------------------------------------------------------------------------
def role_profile(profile: str | None) -> RoleProfile | None:
    """The assume-role settings of `profile`, or None when it does not assume a role."""
    if not profile:
        return None
    try:
        config = AioSession().full_config["profiles"].get(profile) or {}
    except Exception:
        return None
    if not config.get("role_arn"):
        return None
    duration = config.get("duration_seconds")
    return RoleProfile(
        name=profile,
        role_arn=config["role_arn"],
        source_profile=config.get("source_profile"),
        credential_source=config.get("credential_source"),
        mfa_serial=config.get("mfa_serial"),
        duration_seconds=int(duration) if duration else None,
        external_id=config.get("external_id"),
        role_session_name=config.get("role_session_name"),
    )


def mfa_role(profile: str | None) -> RoleProfile | None:
    """The role profile when it needs an MFA code (has `mfa_serial`), else None."""
    role = role_profile(profile)
    return role if role is not None and role.mfa_serial else None


async def assume_role_with_mfa(
    source: AioSession,
    role: RoleProfile,
    code: str,
    clock: Clock,
    region: str | None = None,
    endpoint: str | None = None,
) -> StaticKeys:
    """STS AssumeRole with the role's MFA serial and `code`, signed by `source`'s credentials.

    Raises botocore's ClientError (AccessDenied for a wrong code) for the caller to show.
    """
    code = code.strip()
    params: dict[str, Any] = {
        "RoleArn": role.role_arn,
        "RoleSessionName": role.role_session_name or f"opsdeck-{int(clock.now().timestamp())}",
        "SerialNumber": role.mfa_serial,
        "TokenCode": code,
    }
    if role.duration_seconds:
        params["DurationSeconds"] = role.duration_seconds
    if role.external_id:
        params["ExternalId"] = role.external_id
    async with source.create_client("sts", region_name=region, endpoint_url=endpoint) as sts:
        answer = await sts.assume_role(**params)
    credentials = answer["Credentials"]
    return StaticKeys(
        credentials["AccessKeyId"],
        credentials["SecretAccessKey"],
        credentials["SessionToken"],
        credentials.get("Expiration"),
        source="mfa",
    )
